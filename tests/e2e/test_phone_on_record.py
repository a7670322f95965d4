"""Sign-up without the e-ID goes only to the phone on record (issue 13, point 3)."""
from sqlalchemy import select

from models.reference import Resident
from tests.e2e.test_registration import register_body


def test_the_code_goes_to_the_phone_on_record(app, client, people):
    person = people.resident(phone="+84987654321")
    started = client.post("/api/v1/auth/register", json=register_body(person, phone="0987.654.321"))
    assert started.status_code == 202, started.json
    sms_phone, _ = app.extensions["runtime"].sms.sent[-1]
    assert sms_phone == "+84987654321"


def test_a_typed_phone_that_differs_is_the_same_mismatch_as_a_wrong_name(app, client, people):
    person = people.resident(phone="+84987654321")
    sent_before = len(app.extensions["runtime"].sms.sent)
    other_phone = client.post("/api/v1/auth/register", json=register_body(person, phone="0912 345 678"))
    wrong_name = client.post("/api/v1/auth/register", json=register_body(person, full_name="Người Khác"))
    assert other_phone.status_code == wrong_name.status_code == 422
    assert other_phone.mimetype == "application/problem+json"
    assert other_phone.json == wrong_name.json and other_phone.json["code"] == "identity_mismatch"
    assert len(app.extensions["runtime"].sms.sent) == sent_before  # nobody got a code


def test_no_phone_on_record_is_told_to_use_the_eid_or_a_counter(app, client, people):
    person = people.resident(phone=None)
    sent_before = len(app.extensions["runtime"].sms.sent)
    answer = client.post("/api/v1/auth/register", json=register_body(person))
    assert answer.status_code == 422 and answer.json["code"] == "no_phone_on_record"
    assert answer.json["how"] == ["eid", "counter"]
    assert len(app.extensions["runtime"].sms.sent) == sent_before


def test_registry_import_reads_an_optional_phone_column(runner, db_session, tmp_path):
    with_phone, without = tmp_path / "new.csv", tmp_path / "old.csv"
    with_phone.write_text("national_id,full_name,date_of_birth,sex,district_code,phone\n"
                          "001185880001,Đỗ Thị Mai,1985-02-03,female,001,0912 000 001\n"
                          "001185880002,Vũ Thị Lan,1985-02-03,female,001,12345\n", encoding="utf-8")
    without.write_text("national_id,full_name,date_of_birth,sex,district_code\n"
                       "001090880003,Bùi Văn Long,1990-01-01,male,001\n", encoding="utf-8")
    first = runner.invoke(args=["registry", "import", str(with_phone)])
    assert first.exit_code == 1 and ":3:" in first.output and "phone" in first.output
    assert runner.invoke(args=["registry", "import", str(without)]).exit_code == 0
    phones = dict(db_session.execute(select(Resident.national_id, Resident.phone).where(
        Resident.national_id.like("%88000%"))).all())
    assert phones == {"001185880001": "+84912000001", "001090880003": None}
