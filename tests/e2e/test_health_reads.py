"""The citizen reads the whole record; a guardian reads a child's; nobody else's ids leak."""
import uuid

from tests.health_support import born_years_ago, check_up, days_ago, obs, written

API = "/api/v1/me/health"


def test_summary_shows_the_latest_of_each_sign_and_answers_304(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("old", days_ago(400), systolic=150, weight=80))
    newer = check_up("new", days_ago(10), systolic=128, weight=72)
    newer["conditions"].append({"code": "J45", "status": "resolved", "source_id": "new-c2"})
    newer["risk_factors"].append({"kind": "smoking", "value": "never", "source_id": "new-r2"})
    written(client, clinic_doctor, me.national_id, newer)

    answer = client.get(f"{API}/summary", headers=me.headers)
    assert answer.status_code == 200
    summary = answer.get_json()
    latest = {v["code"]: v["value"] for v in summary["vital_signs"]}
    assert latest["8480-6"] == 128 and latest["29463-7"] == 72 and latest["39156-5"] == 23.5
    assert [c["code"] for c in summary["active_conditions"]] == ["I10"]  # J45 is resolved; I10 once
    assert {r["kind"]: r["value"] for r in summary["risk_factors"]} == {"smoking": "never"}
    assert summary["last_visit"]["reason"] == "annual check-up" and summary["immunization_count"] == 2
    assert summary["subject"]["national_id_masked"].startswith("001") and "*" in summary["subject"]["national_id_masked"]

    etag = answer.headers["ETag"]
    assert client.get(f"{API}/summary", headers={**me.headers, "If-None-Match": etag}).status_code == 304
    written(client, clinic_doctor, me.national_id, {"observations": [obs("n3", "8867-4", 66, "/min", days_ago(1))]})
    assert client.get(f"{API}/summary", headers={**me.headers, "If-None-Match": etag}).status_code == 200


def test_a_citizen_without_entries_gets_an_empty_summary(client, people):
    me = people.citizen()
    summary = client.get(f"{API}/summary", headers=me.headers).get_json()
    assert summary["has_record"] is False and summary["vital_signs"] == [] and summary["last_visit"] is None


def test_pagination_is_exact_while_new_records_arrive(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, {"observations": [
        obs(f"p-{i}", "8867-4", 60 + i, "/min", days_ago(30 - i)) for i in range(25)]})
    seen, cursor, pages = [], None, 0
    while True:
        query = f"?limit=10&cursor={cursor}" if cursor else "?limit=10"
        page = client.get(f"{API}/observations{query}", headers=me.headers).get_json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        assert [item["effective_at"] for item in page["items"]] == sorted(
            [item["effective_at"] for item in page["items"]], reverse=True)
        # a newer measurement arrives between pages
        written(client, clinic_doctor, me.national_id,
                {"observations": [obs(f"late-{pages}", "8867-4", 90, "/min", days_ago(0.01))]})
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == 25 and len(set(seen)) == 25


def test_observations_filter_by_code_and_time(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("a", days_ago(100)))
    written(client, clinic_doctor, me.national_id, check_up("b", days_ago(5)))
    systolic = client.get(f"{API}/observations?code=8480-6", headers=me.headers).get_json()["items"]
    assert [o["code"] for o in systolic] == ["8480-6", "8480-6"]
    assert systolic[0]["name"] == "Systolic blood pressure" and systolic[0]["unit"] == "mm[Hg]"
    since = days_ago(10).isoformat().replace("+00:00", "Z")
    recent = client.get(f"{API}/observations", query_string={"from": since}, headers=me.headers).get_json()["items"]
    assert len(recent) == 5  # height, weight, BMI, two pressures
    bad = client.get(f"{API}/observations?code=1234-5", headers=me.headers)
    assert bad.status_code == 422


def test_encounters_and_immunizations_lists_newest_first(client, people, clinic_doctor):
    me = people.citizen()
    written(client, clinic_doctor, me.national_id, check_up("a", days_ago(100)))
    written(client, clinic_doctor, me.national_id, check_up("b", days_ago(5)))
    visits = client.get(f"{API}/encounters", headers=me.headers).get_json()["items"]
    assert len(visits) == 2 and visits[0]["start"] > visits[1]["start"]
    assert visits[0]["diagnoses"] == ["Z00.0", "I10"] and visits[0]["facility_name"] == "Trung tâm Y tế quận Cầu Giấy"
    vaccines = client.get(f"{API}/immunizations?limit=1", headers=me.headers).get_json()
    assert vaccines["items"][0]["vaccine"] == "Hepatitis B" and vaccines["next_cursor"]


def test_another_citizens_entry_is_404_like_a_missing_one_and_not_in_their_log(client, people, clinic_doctor):
    owner, intruder = people.citizen(), people.citizen(full_name="Lê Văn Tò Mò")
    written(client, clinic_doctor, owner.national_id, check_up("x", days_ago(3)))
    mine = client.get(f"{API}/observations", headers=owner.headers).get_json()["items"][0]
    visit = client.get(f"{API}/encounters", headers=owner.headers).get_json()["items"][0]
    assert client.get(f"{API}/observations/{mine['id']}", headers=owner.headers).get_json()["value"] == mine["value"]

    theirs = client.get(f"{API}/observations/{mine['id']}", headers=intruder.headers)
    missing = client.get(f"{API}/observations/{uuid.uuid4()}", headers=intruder.headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_json() == missing.get_json()
    assert client.get(f"{API}/encounters/{visit['id']}", headers=intruder.headers).status_code == 404

    # The owner's log shows only the clinic's write: probes do not flood the victim's log.
    log = client.get(f"{API}/access-log", headers=owner.headers).get_json()["items"]
    assert [(e["action"], e["accessor_role"]) for e in log] == [("write", "health_provider")]
    assert client.get(f"{API}/access-log", headers=intruder.headers).get_json()["items"] == []


def test_probing_entry_ids_is_limited_for_the_caller_only(app, client, people, clinic_doctor):
    owner, intruder = people.citizen(), people.citizen()
    written(client, clinic_doctor, owner.national_id, check_up("p", days_ago(3)))
    mine = client.get(f"{API}/observations", headers=owner.headers).get_json()["items"][0]
    limit = app.extensions["runtime"].settings.health_entry_probe_limit
    answers = [client.get(f"{API}/observations/{uuid.uuid4()}", headers=intruder.headers).status_code
               for _ in range(limit)]
    assert answers == [404] * limit
    blocked = client.get(f"{API}/observations/{mine['id']}", headers=intruder.headers)
    assert blocked.status_code == 429 and blocked.get_json()["code"] == "too_many_probes"
    assert int(blocked.headers["Retry-After"]) > 0
    # The owner is not limited by someone else's guessing.
    assert client.get(f"{API}/observations/{mine['id']}", headers=owner.headers).status_code == 200


def test_a_guardian_reads_a_child_record_and_nobody_else_can(client, people, clinic_doctor):
    parent, stranger = people.citizen(), people.citizen()
    child = people.resident(born=born_years_ago(8), sex="male", guardian=parent.national_id)
    teenager = people.resident(born=born_years_ago(15), guardian=parent.national_id)
    written(client, clinic_doctor, child.national_id, check_up("kid", days_ago(3), weight=25, height=125,
                                                               systolic=100, diastolic=60))
    for path in ("summary", "observations", "encounters", "immunizations", "fhir", "access-log",
                 "correction-requests"):
        answer = client.get(f"{API}/{path}?subject={child.national_id}", headers=parent.headers)
        assert answer.status_code == 200, path
        refused = client.get(f"{API}/{path}?subject={child.national_id}", headers=stranger.headers)
        assert refused.status_code == 403 and refused.get_json()["code"] == "not_guardian", path
    summary = client.get(f"{API}/summary?subject={child.national_id}", headers=parent.headers).get_json()
    assert summary["subject"]["full_name"] == child.full_name
    assert {v["code"]: v["value"] for v in summary["vital_signs"]}["29463-7"] == 25
    too_old = client.get(f"{API}/summary?subject={teenager.national_id}", headers=parent.headers)
    assert too_old.status_code == 403
    unknown = client.get(f"{API}/summary?subject=001215999999", headers=parent.headers)
    assert unknown.status_code == 403 and unknown.get_json() == refused.get_json() | {"code": "not_guardian"}


def test_a_guardian_may_name_the_child_in_the_x_subject_header_instead_of_the_url(client, people,
                                                                                  clinic_doctor):
    parent, stranger = people.citizen(), people.citizen()
    child = people.resident(born=born_years_ago(8), sex="male", guardian=parent.national_id)
    written(client, clinic_doctor, child.national_id, check_up("kid-h", days_ago(3), weight=25, height=125,
                                                               systolic=100, diastolic=60))
    in_header = {**parent.headers, "X-Subject": child.national_id}
    for path in ("summary", "observations", "encounters", "immunizations", "fhir", "access-log",
                 "correction-requests"):
        by_header = client.get(f"{API}/{path}", headers=in_header)
        by_query = client.get(f"{API}/{path}?subject={child.national_id}", headers=parent.headers)
        assert by_header.status_code == by_query.status_code == 200, path
        if path not in ("fhir", "access-log"):  # a bundle is stamped per read; each read is logged
            assert by_header.json == by_query.json, path
        refused = client.get(f"{API}/{path}", headers={**stranger.headers, "X-Subject": child.national_id})
        assert refused.status_code == 403 and refused.json["code"] == "not_guardian", path
    bundle = client.get(f"{API}/fhir", headers=in_header).json
    assert [e["resource"]["resourceType"] for e in bundle["entry"]].count("Patient") == 1
    mine = client.get(f"{API}/observations", headers=parent.headers).json["items"]
    assert mine == [] and client.get(f"{API}/observations", headers=in_header).json["items"] != []
    summary = client.get(f"{API}/summary", headers=in_header).json
    assert summary["subject"]["full_name"] == child.full_name
    both = client.get(f"{API}/summary?subject={child.national_id}", headers=in_header)
    assert both.status_code == 200
    clash = client.get(f"{API}/summary?subject=001215999999", headers=in_header)
    assert clash.status_code == 422 and clash.json["errors"]["subject"] == [
        "Chỉ nêu người được xem một lần: ?subject= hoặc X-Subject."]
    clash = client.get(f"{API}/summary?subject=001215999999", headers={**in_header, "Accept-Language": "en"})
    assert clash.json["errors"]["subject"] == ["Give the subject once: ?subject= or X-Subject."]
    malformed = client.get(f"{API}/summary", headers={**parent.headers, "X-Subject": "12345"})
    assert malformed.status_code == 422 and "subject" in malformed.json["errors"]
