"""The demo data: the catalogue and the demo citizen's dossiers in several states, once."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from models.dossiers import Dossier, DossierEvent
from models.reference import Resident
from services.demo.people import CITIZEN, OFFICER

# The metrics demo step also files dossiers, for its synthetic population: count hers.
HERS = select(Dossier.id).join(Resident, Resident.id == Dossier.owner_resident_id).where(
    Resident.national_id == CITIZEN.national_id)


def test_seed_demo_gives_the_citizen_dossiers_in_several_states_once(client, runner, db_session):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    signed_in = client.post("/api/v1/auth/token", json={"national_id": CITIZEN.national_id,
                                                        "password": CITIZEN.password}).json
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    mine = client.get("/api/v1/me/dossiers", headers=headers).json["items"]
    assert {d["status"] for d in mine} >= {"submitted", "received", "processing", "supplement_requested",
                                           "returned", "rejected", "withdrawn"}
    assert len(mine) == 7 and db_session.scalar(select(func.count()).select_from(HERS.subquery())) == 7
    assert {d["channel"] for d in mine} == {"online", "counter"}
    extended = next(d for d in mine if d["procedure_code"] == "2.000488")
    detail = client.get(f"/api/v1/dossiers/{extended['code']}", headers=headers).json
    assert detail["extensions"] and [e["to_status"] for e in detail["timeline"]] == ["submitted", "received", "processing"]
    assert db_session.scalar(select(func.count()).select_from(DossierEvent)
                             .where(DossierEvent.dossier_id.in_(HERS))) == 19
    assert len(client.get("/api/v1/procedures?limit=100").json["items"]) == 13
    # Filed today, her dossiers are at the 2025 agencies; the 2024 history stays on the 2024 districts.
    assert {d["agency_code"] for d in mine} <= {"UBND-00004", "UBND-00166", "CA-00166", "000.00.17.H26"}
    history_2024 = select(Dossier.agency_code).where(Dossier.submitted_at < datetime(2025, 1, 1, tzinfo=timezone.utc)).distinct()
    assert "000.01.01.H26" in set(db_session.scalars(history_2024))


def test_the_demo_officer_works_at_the_ward_committee_of_ba_dinh(client, runner, db_session):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    signed_in = client.post("/api/v1/auth/token", json={"national_id": OFFICER.national_id,
                                                        "password": OFFICER.password}).json
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    ours = db_session.scalar(select(Dossier.code).where(Dossier.id.in_(HERS), Dossier.agency_code == "UBND-00004"))
    assert client.get(f"/api/v1/dossiers/{ours}", headers=headers).status_code == 200


def test_the_counter_dossiers_note_is_a_catalogue_text_kept_in_vietnamese(client, runner):
    """A system note is stored once, in Vietnamese, for every later reader (as officers write theirs)."""
    from services.messages import translate

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    signed_in = client.post("/api/v1/auth/token", json={"national_id": CITIZEN.national_id,
                                                        "password": CITIZEN.password}).json
    headers = {"Authorization": f"Bearer {signed_in['access_token']}", "Accept-Language": "en"}
    counter = next(d for d in client.get("/api/v1/me/dossiers", headers=headers).json["items"]
                   if d["channel"] == "counter")
    timeline = client.get(f"/api/v1/dossiers/{counter['code']}", headers=headers).json["timeline"]
    note = translate("vi", "demo.dossier.counter_note")
    assert [event["note"] for event in timeline] == [note]
    assert note == "Tiếp nhận tại bộ phận một cửa Công an phường Cầu Giấy."
    inbox = client.get("/api/v1/me/notifications?limit=100", headers=headers).json["items"]
    assert any(note in item["body"] for item in inbox if counter["code"] in item["title"])  # her language: vi
