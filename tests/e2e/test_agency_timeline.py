"""Agencies since July 2025: ended agencies hand their open dossiers to their successors
(`agencies transfer`), and an ended agency's officers and systems can no longer act."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models.dossiers import Dossier, DossierEvent
from models.reference import Agency, AgencySuccessor
from tests.dossiers_support import BA_DINH, BA_DINH_DISTRICT, freeze, key_headers, move, submit, walk

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
BUSINESS_REGISTRATION = "1.001612"  # decided by Planning and Investment, merged into Finance on 2025-03-01
PLANNING, FINANCE = "000.00.06.H26", "000.00.07.H26"


def _transfer(runner, day: str = "2025-07-01"):
    result = runner.invoke(args=["agencies", "transfer", "--at", day])
    assert result.exit_code == 0, result.output
    return result.output


def _history(db_session, code: str) -> list[tuple]:
    dossier = db_session.scalar(select(Dossier).where(Dossier.code == code))
    return db_session.execute(select(DossierEvent.from_status, DossierEvent.to_status, DossierEvent.actor_kind,
                                     DossierEvent.actor_agency_code)
                              .where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.id)).all()


def test_a_dossier_open_across_the_change_is_transferred_once_and_finished_by_the_commune(
        client, people, db_session, catalogue, runner, monkeypatch):
    citizen, district = people.citizen(), key_headers(db_session, BA_DINH_DISTRICT)
    freeze(monkeypatch, datetime(2025, 6, 20, 10, 0, tzinfo=HANOI))
    filed = submit(client, citizen).json
    assert filed["agency_code"] == BA_DINH_DISTRICT
    walk(client, district, filed["code"], "received", "processing")

    freeze(monkeypatch, datetime(2025, 7, 1, 8, 0, tzinfo=HANOI))
    refused = move(client, district, filed["code"], "approved")
    assert refused.status_code == 403 and refused.json["code"] == "agency_ended"
    assert BA_DINH in [s["code"] for s in refused.json["successors"]]
    assert "UBND phường Ba Đình" in refused.json["detail"]
    assert "30/06/2025" in refused.json["detail"]
    in_english = move(client, {**district, "Accept-Language": "en"}, filed["code"], "approved")
    assert "30 Jun 2025" in in_english.json["detail"]

    output = _transfer(runner)
    assert f"{BA_DINH_DISTRICT} -> {BA_DINH}: 1" in output and "đã chuyển 1 hồ sơ" in output
    assert "đã chuyển 0 hồ sơ" in _transfer(runner)  # a second run moves nothing
    assert _history(db_session, filed["code"])[-1] == ("processing", "processing", "transfer", BA_DINH)
    assert len(_history(db_session, filed["code"])) == 4

    commune = key_headers(db_session, BA_DINH)
    walk(client, commune, filed["code"], "approved", "returned")
    seen = client.get(f"/api/v1/dossiers/{filed['code']}", headers=citizen.headers).json
    assert seen["agency_code"] == BA_DINH and seen["status"] == "returned"
    assert "UBND quận Ba Đình" in seen["timeline"][3]["note"]
    # the history keeps the system's note in Vietnamese, whoever reads it later
    asked_in_english = client.get(f"/api/v1/dossiers/{filed['code']}",
                                  headers={**citizen.headers, "Accept-Language": "en"}).json
    assert "(kết thúc ngày 30/06/2025)" in asked_in_english["timeline"][3]["note"]


def test_a_district_dossier_goes_to_the_commune_of_its_old_ward(client, people, db_session, catalogue,
                                                               runner, monkeypatch):
    freeze(monkeypatch, datetime(2025, 6, 25, 10, 0, tzinfo=HANOI))
    at_phuc_xa, unplaced = submit(client, people.citizen()).json, submit(client, people.citizen()).json
    # Received in old ward Phúc Xá (00001), which went whole to Phường Hồng Hà (00097).
    db_session.scalar(select(Dossier).where(Dossier.code == at_phuc_xa["code"])).receiving_unit_code = "00001"
    db_session.commit()
    output = _transfer(runner)
    assert f"{BA_DINH_DISTRICT} -> UBND-00097: 1" in output and f"{BA_DINH_DISTRICT} -> {BA_DINH}: 1" in output
    agencies = dict(db_session.execute(select(Dossier.code, Dossier.agency_code)).all())
    assert agencies[at_phuc_xa["code"]] == "UBND-00097" and agencies[unplaced["code"]] == BA_DINH


def test_closed_dossiers_stay_where_they_were_decided(client, people, db_session, catalogue, runner, monkeypatch):
    district = key_headers(db_session, BA_DINH_DISTRICT)
    freeze(monkeypatch, datetime(2025, 6, 2, 10, 0, tzinfo=HANOI))
    code = submit(client, people.citizen()).json["code"]
    walk(client, district, code, "received", "processing", "approved", "returned")
    assert "đã chuyển 0 hồ sơ" in _transfer(runner)
    assert db_session.scalar(select(Dossier.agency_code).where(Dossier.code == code)) == BA_DINH_DISTRICT


def test_transfer_before_the_change_moves_nothing(client, people, db_session, catalogue, runner, monkeypatch):
    freeze(monkeypatch, datetime(2025, 6, 20, 10, 0, tzinfo=HANOI))
    submit(client, people.citizen())
    assert "đã chuyển 0 hồ sơ" in _transfer(runner, "2025-06-30")
    assert _transfer(runner, "2025-07-01").count("->") == 1


def test_a_merged_department_is_replaced_by_its_successor(client, people, db_session, catalogue):
    citizen = people.citizen()
    register = lambda key: client.post("/api/v1/agency/dossiers", headers=key, json={  # noqa: E731
        "national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": BUSINESS_REGISTRATION, "channel": "counter"})
    ended = register(key_headers(db_session, PLANNING))
    assert ended.status_code == 403 and ended.json["code"] == "agency_ended"
    assert [s["code"] for s in ended.json["successors"]] == [FINANCE]
    received = register(key_headers(db_session, FINANCE))
    assert received.status_code == 201 and received.json["agency_code"] == FINANCE


def test_officers_of_an_ended_agency_cannot_act(client, people, db_session, catalogue):
    code = submit(client, people.citizen()).json["code"]
    officer = people.staff("officer", agency_code=BA_DINH_DISTRICT)
    refused = move(client, officer.headers, code, "received")
    assert refused.status_code == 403 and refused.json["code"] == "agency_ended"
    assert len(refused.json["successors"]) == 8  # the commune committees Ba Đình's old wards went to
    assert move(client, people.staff("officer", agency_code=BA_DINH).headers, code, "received").status_code == 200


def test_a_transfer_that_fails_moves_nothing(client, people, db_session, catalogue, runner, monkeypatch):
    freeze(monkeypatch, datetime(2025, 6, 20, 10, 0, tzinfo=HANOI))
    first, second = submit(client, people.citizen()).json["code"], submit(client, people.citizen()).json["code"]
    # Bad successor data met after the district's dossier was handled: two agencies taking each other over.
    db_session.add_all([Agency(code=code, name=code, level="department", valid_to=date(2025, 1, 31))
                        for code in ("ZZ-A", "ZZ-B")])
    db_session.flush()
    db_session.add_all([AgencySuccessor(agency_code="ZZ-A", successor_code="ZZ-B", is_default=True),
                        AgencySuccessor(agency_code="ZZ-B", successor_code="ZZ-A", is_default=True)])
    db_session.scalar(select(Dossier).where(Dossier.code == second)).agency_code = "ZZ-A"
    db_session.commit()
    failed = runner.invoke(args=["agencies", "transfer", "--at", "2025-07-01"])
    assert failed.exit_code != 0
    db_session.expire_all()
    assert db_session.scalar(select(Dossier.agency_code).where(Dossier.code == first)) == BA_DINH_DISTRICT
    assert len(_history(db_session, first)) == 1
