"""Filing anywhere in the city (Decree 118/2025): the citizen picks the receiving service centre;
the centre receives and hands over, the deciding agency decides."""
from datetime import datetime
from zoneinfo import ZoneInfo

from services.clock import clock
from services.demo.dossiers import FORMS
from tests.dossiers_support import BUSINESS, BUSINESS_FORM, CRIMINAL_RECORD, freeze, key_headers, move, walk

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm
JUSTICE = "000.00.17.H26"


def _file(client, person, procedure=BUSINESS, form=None, **where):
    return client.post("/api/v1/dossiers", headers=person.headers,
                       json={"procedure_code": procedure, "form": form or BUSINESS_FORM, **where})


def test_a_local_dossier_filed_away_from_home_is_decided_where_it_was_received(client, people, db_session, catalogue):
    citizen = people.citizen()  # lives in Cầu Giấy
    filed = _file(client, citizen, receiving_unit_code=HOAN_KIEM)
    assert filed.status_code == 201, filed.json
    body = filed.json
    assert (body["agency_code"], body["receiving_centre_code"], body["receiving_unit_code"]) == \
           ("UBND-00070", "TTPV-00070", HOAN_KIEM)
    assert body["home_unit_code"] == citizen.district_code
    centre, committee = key_headers(db_session, "TTPV-00070"), key_headers(db_session, "UBND-00070")
    walk(client, centre, body["code"], "received")
    refused = move(client, centre, body["code"], "processing")  # deciding is the committee's
    assert refused.status_code == 403 and refused.json["code"] == "other_agency"
    walk(client, committee, body["code"], "processing", "approved")
    walk(client, centre, body["code"], "returned")  # the centre hands the result over
    stranger = move(client, key_headers(db_session, "TTPV-00004"), body["code"], "returned")
    assert stranger.status_code == 404 and stranger.json["code"] == "dossier_not_found"  # another centre's
    officer = people.staff("officer", agency_code="TTPV-00070")
    assert client.get(f"/api/v1/dossiers/{body['code']}", headers=officer.headers).json["status"] == "returned"


def test_a_centre_picked_by_code_and_a_department_procedure(client, people, db_session, catalogue):
    citizen = people.citizen()
    by_code = _file(client, citizen, receiving_centre_code="TTPV-00004").json
    assert (by_code["agency_code"], by_code["receiving_unit_code"]) == ("UBND-00004", "00004")
    justice = _file(client, citizen, CRIMINAL_RECORD, FORMS[CRIMINAL_RECORD], receiving_unit_code="00166").json
    assert (justice["agency_code"], justice["receiving_centre_code"]) == (JUSTICE, "TTPV-00166")
    walk(client, key_headers(db_session, "TTPV-00166"), justice["code"], "received")
    walk(client, key_headers(db_session, JUSTICE), justice["code"], "processing")  # approving needs its result (a sealed PDF)
    city = _file(client, citizen, CRIMINAL_RECORD, FORMS[CRIMINAL_RECORD], receiving_unit_code="01").json
    assert (city["agency_code"], city["receiving_centre_code"]) == (JUSTICE, "TTPV-01")


def test_unknown_or_mismatched_centres_are_422_naming_the_field(client, people, catalogue, monkeypatch):
    citizen = people.citizen()
    for where, field in (({"receiving_unit_code": "99999"}, "receiving_unit_code"),
                         ({"receiving_centre_code": "UBND-00004"}, "receiving_centre_code"),
                         ({"receiving_centre_code": "NOPE"}, "receiving_centre_code"),
                         ({"receiving_centre_code": "TTPV-00004", "receiving_unit_code": HOAN_KIEM},
                          "receiving_unit_code")):
        answer = _file(client, citizen, **where)
        assert answer.status_code == 422 and field in answer.json["errors"], (where, answer.json)
        assert answer.json["code"] == "unknown_unit_code"
    nope = {"procedure_code": BUSINESS, "form": BUSINESS_FORM, "receiving_centre_code": "NOPE"}
    in_vietnamese = client.post("/api/v1/dossiers", headers=citizen.headers, json=nope)
    assert in_vietnamese.json["errors"]["receiving_centre_code"][0].startswith(
        "NOPE không phải là trung tâm phục vụ hành chính công hoạt động vào ngày ")
    in_english = client.post("/api/v1/dossiers", headers={**citizen.headers, "Accept-Language": "en"}, json=nope)
    assert in_english.json["errors"]["receiving_centre_code"][0].startswith("NOPE is not a service centre open on ")
    freeze(monkeypatch, datetime(2025, 6, 20, 10, 0, tzinfo=HANOI))  # no centres before July 2025
    assert _file(client, citizen, receiving_unit_code=HOAN_KIEM).status_code == 422
    assert client.get("/api/v1/me/dossiers", headers=citizen.headers).json["items"] == []


def test_a_centre_registers_a_counter_dossier_for_the_committee(client, people, db_session, catalogue):
    citizen = people.citizen()
    registered = client.post("/api/v1/agency/dossiers", headers=key_headers(db_session, "TTPV-00070"), json={
        "national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": BUSINESS, "channel": "counter"})
    assert registered.status_code == 201, registered.json
    assert (registered.json["agency_code"], registered.json["receiving_centre_code"]) == ("UBND-00070", "TTPV-00070")
    elsewhere = client.post("/api/v1/agency/dossiers", headers=key_headers(db_session, "UBND-00166"), json={
        "national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": CRIMINAL_RECORD, "channel": "counter"})
    assert elsewhere.status_code == 403 and elsewhere.json["code"] == "other_agency"


def test_the_home_unit_is_the_owners_unit_of_the_filing_day(client, people, runner, tmp_path, catalogue):
    """Before 2025-07-01 the owner's district then; from it, their ward or commune that day."""
    assert runner.invoke(args=["units", "sync"]).exit_code == 0
    citizen = people.citizen(district_code="001")

    def registry(day: datetime, unit_code: str, district_code: str = "") -> None:
        path = tmp_path / f"registry-{day:%Y%m%d}.csv"
        path.write_text("national_id,full_name,date_of_birth,sex,unit_code,district_code\n"
                        f"{citizen.national_id},{citizen.full_name},{citizen.date_of_birth},{citizen.sex},"
                        f"{unit_code},{district_code}\n", encoding="utf-8")
        with clock.frozen_at(day):
            result = runner.invoke(args=["registry", "import", str(path)])
        assert result.exit_code == 0, result.output

    registry(datetime(2024, 1, 10, 10, tzinfo=HANOI), "00001", "001")  # Phúc Xá, went whole to 00097
    registry(datetime(2025, 10, 1, 10, tzinfo=HANOI), "00166")  # moved to Phường Cầu Giấy

    def home_on(day: datetime) -> str:
        with clock.frozen_at(day):
            people._signed_in(citizen, citizen.account)
            filed = _file(client, citizen)
            assert filed.status_code == 201, filed.json
            shown = client.get(f"/api/v1/dossiers/{filed.json['code']}", headers=citizen.headers).json
        assert shown["home_unit_code"] == filed.json["home_unit_code"]
        return shown["home_unit_code"]

    assert home_on(datetime(2025, 3, 10, 10, tzinfo=HANOI)) == "001"     # the district of Phúc Xá then
    assert home_on(datetime(2025, 8, 5, 10, tzinfo=HANOI)) == "00097"    # Phường Hồng Hà, Phúc Xá's successor
    assert home_on(datetime(2025, 11, 3, 10, tzinfo=HANOI)) == "00166"   # after the move
    stranger = people.citizen(district_code="005")  # the registry knows only the 2024 district
    assert _file(client, stranger).json["home_unit_code"] == "005"
