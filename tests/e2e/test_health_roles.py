"""Every health route, called by every role that is not the owner, guardian or a consented
facility: the answer is 401, 403 or 404 (or an empty list of one's own), never the data."""
import pytest

from tests.health_support import check_up, days_ago, written

ME = "/api/v1/me/health"


def routes(target, ids) -> list[tuple[str, str, dict | None]]:
    subject = f"?subject={target.national_id}"
    return [
        ("GET", f"{ME}/summary{subject}", None),
        ("GET", f"{ME}/observations{subject}", None),
        ("GET", f"{ME}/observations/{ids['observation']}", None),
        ("GET", f"{ME}/observations/{ids['observation']}{subject}", None),
        ("GET", f"{ME}/encounters{subject}", None),
        ("GET", f"{ME}/encounters/{ids['encounter']}", None),
        ("GET", f"{ME}/immunizations{subject}", None),
        ("GET", f"{ME}/fhir{subject}", None),
        ("GET", f"{ME}/access-log{subject}", None),
        ("GET", f"{ME}/consents/TTYT-CAUGIAY{subject}", None),
        ("PUT", f"{ME}/consents/BV-BACHMAI{subject}", {}),
        ("DELETE", f"{ME}/consents/TTYT-CAUGIAY{subject}", None),
        ("GET", f"{ME}/correction-requests{subject}", None),
        ("POST", f"{ME}/correction-requests", {"resource_type": "observation", "resource_id": ids["observation"],
                                                "reason": "wrong"}),
        ("POST", f"{ME}/correction-requests{subject}", {"resource_type": "observation",
                                                         "resource_id": ids["observation"], "reason": "wrong"}),
        ("GET", "/api/v1/providers/correction-requests", None),
        ("POST", f"/api/v1/providers/correction-requests/{ids['request']}/acknowledge", None),
        ("POST", f"/api/v1/providers/correction-requests/{ids['request']}/resolve",
         {"outcome": "corrected", "changes": {"value": 120}}),
        ("GET", f"/api/v1/providers/patients/{target.national_id}/summary", None),
        ("POST", f"/api/v1/providers/patients/{target.national_id}/records",
         {"observations": [{"code": "8867-4", "value": 70, "unit": "/min", "effective_at": days_ago(1).isoformat(),
                            "source_id": "intruder-1"}]}),
    ]


@pytest.fixture
def target_record(client, people, clinic_doctor):
    target = people.citizen(full_name="Đinh Thị Riêng Tư")
    written(client, clinic_doctor, target.national_id, check_up("secret", days_ago(3), systolic=173))
    observation = client.get(f"{ME}/observations", headers=target.headers).get_json()["items"][0]["id"]
    encounter = client.get(f"{ME}/encounters", headers=target.headers).get_json()["items"][0]["id"]
    request = client.post(f"{ME}/correction-requests", headers=target.headers, json={
        "resource_type": "observation", "resource_id": observation, "reason": "check"}).get_json()["id"]
    assert client.put(f"{ME}/consents/TTYT-CAUGIAY", json={}, headers=target.headers).status_code == 200
    return target, {"observation": observation, "encounter": encounter, "request": request}


def test_no_other_role_ever_gets_the_data(client, people, hospital_doctor, target_record):
    target, ids = target_record
    callers = {"citizen": people.citizen(), "officer": people.staff("officer"), "analyst": people.staff("analyst"),
               "admin": people.staff("admin"), "health_provider of another facility": hospital_doctor}
    for role, caller in callers.items():
        for method, path, body in routes(target, ids):
            if role.startswith("health_provider") and path.endswith("/records"):
                continue  # writing for any patient from one's own facility is the provider's job
            answer = client.open(path, method=method, json=body, headers=caller.headers)
            text = answer.get_data(as_text=True)
            assert target.full_name not in text and target.national_id not in text and "173" not in text, \
                (role, method, path)
            if answer.status_code == 200:  # only a list of the caller's own, which is empty
                assert answer.get_json()["items"] == [], (role, method, path, text)
            else:
                assert answer.status_code in (403, 404), (role, method, path, answer.status_code, text)
            if role in ("officer", "analyst", "admin"):
                assert answer.get_json()["code"] == "forbidden_role", (role, method, path)


def test_no_route_answers_without_a_token(client, target_record):
    target, ids = target_record
    for method, path, body in routes(target, ids):
        assert client.open(path, method=method, json=body).status_code == 401, (method, path)


def test_the_owner_still_reads_everything_afterwards(client, target_record):
    target, ids = target_record
    assert client.get(f"{ME}/observations/{ids['observation']}", headers=target.headers).status_code == 200
    summary = client.get(f"{ME}/summary", headers=target.headers).get_json()
    assert {v["code"]: v["value"] for v in summary["vital_signs"]}["8480-6"] == 173
