"""Enter it once: fields a procedure marks are filled from the population registry, and filing
keeps the registry's values whatever the client sends."""
from __future__ import annotations

import json

import pytest

from services.reference.residents import load_residents
from tests.dossiers_support import CRIMINAL_RECORD, submit

MARKED = {"applicant_full_name": "full_name", "applicant_date_of_birth": "date_of_birth",
          "applicant_national_id": "national_id", "permanent_address": "permanent_address"}
FORM = {"form_type": 1, "purpose": "Bổ sung hồ sơ xin việc", "copies": 1}


@pytest.fixture
def synced(runner):
    """The 2025 units (Phường Ba Đình is 00004), for addresses the registry knows today."""
    assert runner.invoke(args=["units", "sync"]).exit_code == 0


def _move_to_ba_dinh(db_session, person, address: str = "Số 12 phố Phúc Xá") -> None:
    load_residents(db_session, [{"national_id": person.national_id, "full_name": person.full_name,
                                 "date_of_birth": person.date_of_birth, "sex": person.sex, "unit_code": "00004",
                                 "district_code": None, "address": address, "phone": "+84912345678"}])
    db_session.commit()


def test_the_form_comes_filled_from_the_registry_only_when_asked(client, db_session, people, catalogue, synced):
    citizen = people.citizen(full_name="Trần Thị Ngọc Ánh")
    _move_to_ba_dinh(db_session, citizen)
    bare = client.get(f"/api/v1/procedures/{CRIMINAL_RECORD}/form", headers=citizen.headers)
    assert bare.status_code == 200 and bare.json["form"] == {} and bare.json["prefilled"] == []
    assert {name: spec["x-prefill"] for name, spec in bare.json["form_schema"]["properties"].items()
            if "x-prefill" in spec} == MARKED
    filled = client.get(f"/api/v1/procedures/{CRIMINAL_RECORD}/form?prefill=true", headers=citizen.headers)
    assert filled.status_code == 200, filled.json
    assert filled.json["form"]["applicant_full_name"] == "Trần Thị Ngọc Ánh"
    assert filled.json["form"]["applicant_date_of_birth"] == citizen.date_of_birth.isoformat()
    assert filled.json["form"]["applicant_national_id"] == citizen.national_id
    assert filled.json["form"]["permanent_address"].startswith("Số 12 phố Phúc Xá, Phường Ba Đình")
    assert sorted(filled.json["prefilled"]) == sorted(MARKED)


def test_an_unknown_address_is_left_to_the_citizen(client, people, catalogue):
    citizen = people.citizen()  # known by a 2024 district only: no address today
    filled = client.get(f"/api/v1/procedures/{CRIMINAL_RECORD}/form?prefill=true", headers=citizen.headers).json
    assert "permanent_address" not in filled["form"] and filled["form"]["applicant_full_name"] == citizen.full_name
    filed = submit(client, citizen, CRIMINAL_RECORD, {**FORM, "permanent_address": "Số 3 ngõ 5 Kim Mã"})
    assert filed.status_code == 201 and filed.json["form"]["permanent_address"] == "Số 3 ngõ 5 Kim Mã"


def test_a_forged_name_is_replaced_by_the_registry_s(client, db_session, people, catalogue, synced):
    citizen = people.citizen(full_name="Lê Văn Thành")
    _move_to_ba_dinh(db_session, citizen)
    forged = {**FORM, "applicant_full_name": "Nguyễn Văn Giả", "applicant_national_id": "001099000001",
              "applicant_date_of_birth": "1970-01-01", "permanent_address": "Phủ Chủ tịch"}
    filed = submit(client, citizen, CRIMINAL_RECORD, forged)
    assert filed.status_code == 201, filed.json
    form = client.get(f"/api/v1/dossiers/{filed.json['code']}", headers=citizen.headers).json["form"]
    assert form["applicant_full_name"] == "Lê Văn Thành"
    assert form["applicant_national_id"] == citizen.national_id
    assert form["applicant_date_of_birth"] == citizen.date_of_birth.isoformat()
    assert form["permanent_address"].startswith("Số 12 phố Phúc Xá") and form["purpose"] == FORM["purpose"]


def test_the_form_needs_a_known_procedure_and_a_citizen(client, people, catalogue):
    citizen, officer = people.citizen(), people.staff("officer")
    assert client.get("/api/v1/procedures/9.999999/form", headers=citizen.headers).status_code == 404
    assert client.get(f"/api/v1/procedures/{CRIMINAL_RECORD}/form").status_code == 401
    assert client.get(f"/api/v1/procedures/{CRIMINAL_RECORD}/form", headers=officer.headers).status_code == 403


def _procedure(**changes):
    schema = {"type": "object", "properties": {"name": {"type": "string", "x-prefill": "full_name"}}}
    return {"code": "9.000001", "name": "Thủ tục thử", "agency_code": "000.00.17.H26", "online_level": "full",
            "processing_days": 3, "fee": 0, "form_schema": schema, **changes}


def test_procedures_import_takes_the_marks_and_refuses_an_unknown_source(runner, db_session, tmp_path, catalogue):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([_procedure(requires_signed_application=True)], ensure_ascii=False))
    result = runner.invoke(args=["procedures", "import", str(good)])
    assert result.exit_code == 0, result.output
    bad_schema = {"type": "object", "properties": {"name": {"type": "string", "x-prefill": "mother_name"}}}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([_procedure(code="9.000002", form_schema=bad_schema)], ensure_ascii=False))
    refused = runner.invoke(args=["procedures", "import", str(bad)])
    assert "x-prefill phải là một trong" in refused.output
    assert "phone" in refused.output  # the account's phone is a source too


def test_the_accounts_phone_is_prefilled_and_kept_on_filing(runner, client, db_session, tmp_path, people, catalogue):
    schema = {"type": "object", "required": ["name", "contact_phone"],
              "properties": {"name": {"type": "string", "x-prefill": "full_name"},
                             "contact_phone": {"type": "string", "x-prefill": "phone"},
                             "note": {"type": "string"}}}
    path = tmp_path / "phone.json"
    path.write_text(json.dumps([_procedure(code="9.000003", form_schema=schema)], ensure_ascii=False))
    assert runner.invoke(args=["procedures", "import", str(path)]).exit_code == 0
    citizen = people.citizen()  # the registry holds +84912345678; the account was opened with +84912000111
    filled = client.get("/api/v1/procedures/9.000003/form?prefill=true", headers=citizen.headers)
    assert filled.status_code == 200, filled.json
    assert filled.json["form"] == {"name": citizen.full_name, "contact_phone": "+84912000111"}
    assert filled.json["prefilled"] == ["contact_phone", "name"]
    filed = submit(client, citizen, "9.000003", {"name": "Ai đó", "contact_phone": "+84900000000", "note": "x"})
    assert filed.status_code == 201, filed.json
    form = client.get(f"/api/v1/dossiers/{filed.json['code']}", headers=citizen.headers).json["form"]
    assert form == {"name": citizen.full_name, "contact_phone": "+84912000111", "note": "x"}
