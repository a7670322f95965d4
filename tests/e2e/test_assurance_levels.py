"""Level 2 where the data is sensitive: one table (services/identity/assurance.py), one answer."""
import pytest

from services.identity.assurance import REQUIRED_LEVEL, Sensitive
from tests.dossiers_support import BA_DINH, BUSINESS, BUSINESS_FORM
from tests.support import bearer

API = "/api/v1"
# One route per sensitive action, as a level-1 citizen would call it.
GATED = [
    ("GET", f"{API}/me/health/summary", None, Sensitive.HEALTH_RECORD),
    ("GET", f"{API}/me/health/observations", None, Sensitive.HEALTH_RECORD),
    ("POST", f"{API}/signatures/challenges", None, Sensitive.SIGNING),
    ("GET", f"{API}/me/certificates", None, Sensitive.CERTIFICATES),
    ("POST", f"{API}/dossiers", {"procedure_code": BUSINESS, "form": BUSINESS_FORM}, Sensitive.DOSSIER_FILING),
    ("GET", f"{API}/dossiers/HN-NOPE", None, Sensitive.DOSSIER_DETAILS),
]


def test_every_sensitive_action_needs_level_2():
    assert set(REQUIRED_LEVEL) == set(Sensitive) and set(REQUIRED_LEVEL.values()) == {2}


@pytest.mark.parametrize("method,path,body,action", GATED, ids=[g[3].value + ":" + g[1] for g in GATED])
def test_a_level_1_citizen_is_told_how_to_reach_level_2(client, people, catalogue, method, path, body, action):
    citizen = people.citizen(assurance_level=1)
    answer = client.open(path, method=method, json=body, headers=citizen.headers)
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    assert answer.json["code"] == "assurance_level_required"
    assert answer.json["required_level"] == 2 and answer.json["how"] == ["eid", "counter"]


def test_a_child_record_through_a_level_1_guardian_is_refused_too(client, people):
    guardian = people.citizen(assurance_level=1)
    child = people.resident(full_name="Nguyễn Minh An", born=people.resident().date_of_birth.replace(year=2020),
                            guardian=guardian.national_id)
    answer = client.get(f"{API}/me/health/summary", query_string={"subject": child.national_id},
                        headers=guardian.headers)
    assert answer.status_code == 403 and answer.json["code"] == "assurance_level_required"


def test_a_counter_check_opens_the_gate_at_the_next_refresh(client, people, catalogues):
    citizen, officer = people.citizen(assurance_level=1), people.staff("officer", agency_code=BA_DINH)
    assert client.get(f"{API}/me/health/summary", headers=citizen.headers).status_code == 403
    checked = client.post(f"{API}/officer/identity-verifications", headers=officer.headers,
                          json={"national_id": citizen.national_id, "method": "in_person"})
    assert checked.status_code == 200, checked.json
    pair = client.post(f"{API}/auth/refresh", json={"refresh_token": citizen.refresh_token}).json
    assert client.get(f"{API}/me/health/summary", headers=bearer(pair["access_token"])).status_code == 200


def test_level_1_keeps_the_routes_that_are_not_sensitive(client, people):
    citizen = people.citizen(assurance_level=1)
    for path in ("/me", "/me/dossiers", "/me/notifications", "/me/signature-requests"):
        assert client.get(API + path, headers=citizen.headers).status_code == 200, path
