"""The dossier state table, the portal codes, form checking and due-date rules."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from models.dossiers import Dossier, DossierActorKind, DossierStatus
from services.dossiers import deadlines
from services.dossiers.forms import check_form
from services.dossiers.states import CLOSED, DOSSIERS, MOVES, PORTAL_STATUS
from services.errors import ValidationFailed

OWNER, OFFICER, AGENCY_KEY = DossierActorKind.OWNER, DossierActorKind.OFFICER, DossierActorKind.AGENCY_KEY
STATES = tuple(DossierStatus)
allowed_moves = DOSSIERS.allowed

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_every_state_has_a_portal_code_and_is_reachable():
    assert set(PORTAL_STATUS) == set(STATES)
    assert PORTAL_STATUS["submitted"] == 1 and PORTAL_STATUS["supplement_requested"] == 5
    assert PORTAL_STATUS["withdrawn"] == 7 and PORTAL_STATUS["returned"] == 10
    assert PORTAL_STATUS["payment_requested"] == 6
    reached, frontier = {"submitted"}, ["submitted"]
    while frontier:
        state = frontier.pop()
        for (source, target) in MOVES:
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(STATES)


def test_the_documented_moves_and_who_makes_them():
    assert allowed_moves("submitted", OWNER) == ["withdrawn"]
    assert allowed_moves("submitted", OFFICER) == ["received", "withdrawn"]
    assert allowed_moves("received", AGENCY_KEY) == ["processing", "rejected", "withdrawn", "payment_requested"]
    assert allowed_moves("processing", OWNER) == []
    assert allowed_moves("processing", OFFICER) == ["supplement_requested", "approved", "rejected",
                                                    "payment_requested"]
    # paid (the owner, through the gateway's callback): back to where the payment was asked from
    assert allowed_moves("payment_requested", OWNER) == ["submitted", "received", "processing", "withdrawn"]
    assert allowed_moves("payment_requested", OFFICER) == ["withdrawn"]
    assert allowed_moves("supplement_requested", OWNER) == ["processing"]
    assert allowed_moves("approved", OFFICER) == ["returned"]
    for state in CLOSED - {"approved"}:
        assert all(allowed_moves(state, actor) == [] for actor in (OWNER, OFFICER, AGENCY_KEY))


SCHEMA = {"type": "object", "additionalProperties": False,
          "properties": {"name": {"type": "string", "minLength": 1}, "born": {"type": "string", "format": "date"},
                         "items": {"type": "array", "items": {"type": "integer"}}},
          "required": ["name", "born"]}


def test_form_errors_name_each_field_path():
    with pytest.raises(ValidationFailed) as caught:
        check_form(SCHEMA, {"born": "2024-02-30", "items": [1, "x"], "extra": 1})
    assert caught.value.code == "invalid_form"
    assert set(caught.value.errors) == {"form.name", "form.born", "form.items.1", "form.extra"}
    check_form(SCHEMA, {"name": "A", "born": "2024-02-29"})


def _received(at: datetime, days: int) -> Dossier:
    dossier = Dossier(status="received")
    deadlines.start_clock(dossier, days, at)
    return dossier


def test_due_at_is_the_closing_time_of_the_last_business_day():
    dossier = _received(datetime(2025, 1, 24, 9, 30, tzinfo=HANOI), 3)
    assert dossier.due_at == datetime(2025, 2, 5, 17, 0, tzinfo=HANOI) == dossier.original_due_at


def test_time_waiting_on_the_citizen_does_not_count():
    dossier = _received(datetime(2024, 11, 18, 9, 0, tzinfo=HANOI), 5)  # due Monday 25th
    deadlines.pause_clock(dossier, datetime(2024, 11, 20, 10, 0, tzinfo=HANOI))
    deadlines.resume_clock(dossier, datetime(2024, 11, 22, 15, 0, tzinfo=HANOI))  # waited 2 business days
    assert dossier.due_at == datetime(2024, 11, 27, 17, 0, tzinfo=HANOI) == dossier.original_due_at
    assert dossier.paused_at is None


def test_on_time_is_judged_against_the_first_due_date_not_the_extension():
    dossier = _received(datetime(2024, 11, 18, 9, 0, tzinfo=HANOI), 1)
    dossier.due_at = datetime(2024, 11, 29, 17, 0, tzinfo=HANOI)  # extended with an apology
    deadlines.finish(dossier, datetime(2024, 11, 22, 9, 0, tzinfo=HANOI))
    assert dossier.on_time is False


def test_overdue_is_derived_and_stops_while_waiting_or_closed():
    dossier = _received(datetime(2024, 11, 18, 9, 0, tzinfo=HANOI), 1)
    later = datetime(2024, 11, 20, 9, 0, tzinfo=HANOI)
    assert deadlines.is_overdue(dossier, later)
    dossier.status = "supplement_requested"
    assert not deadlines.is_overdue(dossier, later)
    dossier.status = "approved"
    assert not deadlines.is_overdue(dossier, later)
