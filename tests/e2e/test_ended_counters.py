"""Counters and officers of agencies that ended (issue 11 point 4): the 2024 district committees'
one-stop counters closed with them on 2025-06-30, and their officers act on nothing since."""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models.identity import Account
from models.signatures import SignatureRequest
from services.clock import clock
from tests.signatures_support import (COUNTER, COUNTER_AGENCY, ENDED_COUNTER, ENDED_COUNTER_AGENCY, business_day,
                                      counter_officer, issued_certificate, submit)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_JUNE_WEEK = datetime(2025, 6, 20, 10, 0, tzinfo=HANOI)  # a Friday, before the district committees ended
FIRST_JULY_DAY = datetime(2025, 7, 1, 9, 0, tzinfo=HANOI)  # a Tuesday, the first day of the communes


def test_a_closed_counter_is_not_listed(client, catalogues):
    listed = {c["code"] for c in client.get("/api/v1/service-counters?limit=100").json["items"]}
    assert COUNTER in listed and ENDED_COUNTER not in listed
    assert not listed & {"MC-HOANKIEM", "MC-CAUGIAY", "MC-DONGDA", "MC-HADONG"}
    assert client.get(f"/api/v1/service-counters?agency_code={ENDED_COUNTER_AGENCY}").json["items"] == []


def test_booking_a_counter_that_closed_is_422_naming_where_to_go(client, people, catalogues):
    citizen = people.citizen()
    refused = submit(client, citizen, counter_code=ENDED_COUNTER)
    assert refused.status_code == 422 and refused.json["code"] == "counter_closed"
    assert COUNTER_AGENCY in [s["code"] for s in refused.json["successors"]]
    assert COUNTER in refused.json["successor_counters"]
    assert refused.json["errors"]["counter_code"] == [refused.json["detail"]]
    for name in (ENDED_COUNTER, "UBND quận Ba Đình", "UBND phường Ba Đình"):
        assert name in refused.json["detail"]
    in_english = client.post("/api/v1/signature-requests", headers={**citizen.headers, "Accept-Language": "en"},
                             json={"provider_code": "VNPT-CA", "counter_code": ENDED_COUNTER,
                                   "appointment_date": business_day().isoformat()})
    assert in_english.json["detail"].startswith(f"Counter {ENDED_COUNTER} takes no more appointments")
    assert client.get("/api/v1/me/signature-requests", headers=citizen.headers).json["items"] == []
    assert submit(client, citizen).status_code == 201  # at the counter that took over


def test_a_district_counter_was_bookable_up_to_its_last_day(client, people, catalogues):
    clock.freeze(LAST_JUNE_WEEK)
    citizen = people.citizen()
    after_the_end = submit(client, citizen, counter_code=ENDED_COUNTER, appointment_date="2025-07-01")
    assert after_the_end.status_code == 422 and after_the_end.json["code"] == "counter_closed"
    last_day = submit(client, citizen, counter_code=ENDED_COUNTER, appointment_date="2025-06-30")
    assert last_day.status_code == 201, last_day.json


def _booked_in_june_at_the_district_counter(client, people) -> tuple[object, str]:
    """A citizen who booked the district's counter for its last Friday, never served there."""
    clock.freeze(LAST_JUNE_WEEK)
    citizen = people.citizen(assurance_level=1)
    booked = submit(client, citizen, counter_code=ENDED_COUNTER, appointment_date="2025-06-27")
    assert booked.status_code == 201, booked.json
    return citizen, booked.json["id"]


def test_an_officer_of_an_ended_agency_acts_on_no_signature_request(client, people, catalogues, db_session):
    citizen, request_id = _booked_in_june_at_the_district_counter(client, people)
    clock.freeze(FIRST_JULY_DAY)
    ended = people.staff("officer", agency_code=ENDED_COUNTER_AGENCY)
    calls = {
        "queue": lambda: client.get("/api/v1/officer/signature-requests", headers=ended.headers),
        "read": lambda: client.get(f"/api/v1/signature-requests/{request_id}", headers=ended.headers),
        "approve": lambda: client.post(f"/api/v1/signature-requests/{request_id}/approve", json={},
                                       headers=ended.headers),
        "reject": lambda: client.post(f"/api/v1/signature-requests/{request_id}/reject",
                                      json={"reason": "Cơ quan đã giải thể"}, headers=ended.headers),
        "read a missing one": lambda: client.get(f"/api/v1/signature-requests/{uuid.uuid4()}",
                                                 headers=ended.headers),
        "approve a missing one": lambda: client.post(f"/api/v1/signature-requests/{uuid.uuid4()}/approve",
                                                     json={}, headers=ended.headers),
    }
    for what, call in calls.items():
        refused = call()
        assert refused.status_code == 403 and refused.json["code"] == "agency_ended", (what, refused.json)
        assert COUNTER_AGENCY in [s["code"] for s in refused.json["successors"]], what
        assert "UBND phường Ba Đình" in refused.json["detail"], what
    db_session.expire_all()
    request = db_session.scalar(select(SignatureRequest).where(SignatureRequest.public_id == uuid.UUID(request_id)))
    assert request.status == "submitted" and request.certificate is None
    assert db_session.get(Account, citizen.account.id).assurance_level == 1  # no level raised


def test_the_same_officer_could_still_act_on_the_last_day(client, people, catalogues):
    _, request_id = _booked_in_june_at_the_district_counter(client, people)
    clock.freeze(datetime(2025, 6, 30, 16, 0, tzinfo=HANOI))
    officer = people.staff("officer", agency_code=ENDED_COUNTER_AGENCY)
    queue = client.get("/api/v1/officer/signature-requests", headers=officer.headers)
    assert [r["id"] for r in queue.json["items"]] == [request_id]
    rejected = client.post(f"/api/v1/signature-requests/{request_id}/reject", json={"reason": "Ảnh không khớp"},
                           headers=officer.headers)
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"


def test_an_officer_of_an_ended_agency_revokes_no_certificate(client, people, catalogues):
    citizen, _, serial = issued_certificate(client, people)
    ended = people.staff("officer", agency_code=ENDED_COUNTER_AGENCY)
    refused = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "key_compromise"},
                          headers=ended.headers)
    assert refused.status_code == 403 and refused.json["code"] == "agency_ended"
    open_counter = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "key_compromise"},
                               headers=counter_officer(people).headers)
    assert open_counter.status_code == 200 and open_counter.json["status"] == "revoked"
