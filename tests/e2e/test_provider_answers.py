"""A provider never learns who is in the population registry (issue 12, point 4, second pass),
and can name the patient in the X-Subject header instead of the URL (point 3).

Every provider route about a patient answers an ID number that is not in the registry exactly
(status, code, text) as it answers a number that is: a read without consent 403
`consent_required`; a write or an emergency read without the matching date of birth 422
`patient_not_matched`.
"""
from datetime import date

import pytest
from sqlalchemy import select

from models.health import HealthAccessLog, Observation
from tests.health_support import born_on, days_ago, obs, written

PROVIDERS = "/api/v1/providers"
UNKNOWN = "001190999999"  # no one in the registry has this number
EMERGENCY = {"emergency_reason": "bất tỉnh khi vào viện"}


def batch(source_id: str = "x") -> dict:
    return {"observations": [obs(source_id, "8867-4", 70, "/min", days_ago(1))]}


def in_path(client, doctor, method, national_id, what, headers=None, **kwargs):
    return client.open(f"{PROVIDERS}/patients/{national_id}/{what}", method=method,
                       headers={**doctor.headers, **(headers or {})}, **kwargs)


def in_header(client, doctor, method, national_id, what, headers=None, **kwargs):
    return client.open(f"{PROVIDERS}/patient/{what}", method=method,
                       headers={**doctor.headers, "X-Subject": national_id, **(headers or {})}, **kwargs)


ROUTES = [in_path, in_header]
CALLS = {  # the provider routes about a patient: (method, what, request)
    "write": ("POST", "records", {"json": batch()}),
    "emergency read": ("GET", "summary", {"query_string": EMERGENCY}),
    "read without consent": ("GET", "summary", {"query_string": {"purpose": "treatment"}}),
}


def problem(answer) -> dict:
    return {k: v for k, v in answer.get_json().items() if k != "instance"}


@pytest.mark.parametrize("route", ROUTES, ids=["path", "header"])
@pytest.mark.parametrize("call", list(CALLS))
def test_a_number_not_in_the_registry_answers_like_a_known_one(client, people, hospital_doctor, route, call):
    method, what, request = CALLS[call]
    known = people.citizen(born=date(1984, 2, 29))
    other_day = {"X-Subject-Birth-Date": "1984-03-01"}
    unknown = route(client, hospital_doctor, method, UNKNOWN, what, other_day, **request)
    answers = [route(client, hospital_doctor, method, known.national_id, what, other_day, **request),
               route(client, hospital_doctor, method, known.national_id, what, **request),
               route(client, hospital_doctor, method, UNKNOWN, what, **request)]
    expected = (403, "consent_required") if call == "read without consent" else (422, "patient_not_matched")
    assert (unknown.status_code, unknown.get_json()["code"]) == expected
    for answer in answers:
        assert answer.status_code == unknown.status_code and problem(answer) == problem(unknown)
    assert known.full_name not in str([a.get_data(as_text=True) for a in answers])


def test_the_refusals_are_said_in_the_readers_language(client, people, hospital_doctor):
    known = people.citizen()
    wrong = {"X-Subject-Birth-Date": "2000-01-01"}
    texts = {}
    for language in ("vi", "en"):
        headers = {**wrong, "Accept-Language": language}
        mismatch = in_header(client, hospital_doctor, "POST", known.national_id, "records", headers, json=batch())
        no_consent = in_header(client, hospital_doctor, "GET", UNKNOWN, "summary", {"Accept-Language": language},
                               query_string={"purpose": "treatment"})
        assert (mismatch.json["code"], no_consent.json["code"]) == ("patient_not_matched", "consent_required")
        texts[language] = (mismatch.json["errors"]["date_of_birth"], no_consent.json["detail"])
    assert texts["vi"] == (["Số định danh và ngày sinh không khớp với cơ sở dữ liệu dân cư."],
                           "Cơ sở này chưa được người bệnh đồng ý cho đọc hồ sơ; trường hợp cấp cứu hãy ghi "
                           "emergency_reason.")
    assert texts["en"] == (["The ID number and date of birth do not match the population database."],
                           "The patient has not consented to this facility reading the record; in an emergency, "
                           "give emergency_reason.")


def test_a_mismatch_writes_nothing_and_leaves_nothing_in_the_persons_log(client, people, hospital_doctor,
                                                                          db_session):
    known = people.citizen()
    wrong = {"X-Subject-Birth-Date": "2000-01-01"}
    assert in_header(client, hospital_doctor, "POST", known.national_id, "records", wrong, json=batch()).status_code == 422
    assert in_header(client, hospital_doctor, "GET", known.national_id, "summary", wrong,
                     query_string=EMERGENCY).status_code == 422
    assert db_session.scalars(select(Observation)).all() == []
    assert db_session.scalars(select(HealthAccessLog)).all() == []


def test_the_header_routes_write_and_read_the_same_record_as_the_path_routes(client, people, hospital_doctor):
    me = people.citizen()
    card = born_on(client, me.national_id)
    wrote = in_header(client, hospital_doctor, "POST", me.national_id, "records", card, json=batch("h-1"))
    assert wrote.status_code == 201 and wrote.get_json()["created"]["observations"] == 1
    written(client, hospital_doctor, me.national_id, batch("p-1"))
    by_header = in_header(client, hospital_doctor, "GET", me.national_id, "summary", card, query_string=EMERGENCY)
    by_path = in_path(client, hospital_doctor, "GET", me.national_id, "summary", card, query_string=EMERGENCY)
    assert by_header.status_code == by_path.status_code == 200
    assert by_header.get_json()["vital_signs"] == by_path.get_json()["vital_signs"]
    assert by_header.get_json()["subject"]["full_name"] == me.full_name
    log = client.get("/api/v1/me/health/access-log", headers=me.headers).get_json()["items"]
    assert [(e["action"], e["emergency"]) for e in log] == [("read", True), ("read", True), ("write", False),
                                                            ("write", False)]


def test_the_header_route_needs_a_well_formed_subject(client, people, hospital_doctor):
    missing = client.get(f"{PROVIDERS}/patient/summary", headers=hospital_doctor.headers)
    short = in_header(client, hospital_doctor, "GET", "12345", "summary")
    assert missing.status_code == short.status_code == 422
    assert "X-Subject" in missing.get_json()["errors"] and "X-Subject" in short.get_json()["errors"]


def test_one_idempotency_key_for_two_patients_is_two_requests_not_a_replay(client, people, hospital_doctor):
    first, second = people.citizen(), people.citizen()
    key = {"Idempotency-Key": "visit-2026-11-30-1"}
    once = in_header(client, hospital_doctor, "POST", first.national_id, "records",
                     {**born_on(client, first.national_id), **key}, json=batch())
    again = in_header(client, hospital_doctor, "POST", second.national_id, "records",
                      {**born_on(client, second.national_id), **key}, json=batch())
    assert once.status_code == 201
    assert again.status_code == 422 and again.get_json()["code"] == "idempotency_key_reused"
