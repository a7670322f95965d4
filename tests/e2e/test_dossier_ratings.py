"""Ratings of decided dossiers (issue 16 point 7): the portal's criteria, one rating per dossier
by its owner after the decision, changeable for RATING_CHANGE_DAYS, and the agency's averages
that never say who rated."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.clock import clock
from services.dossiers.ratings import CRITERIA
from tests.dossiers_support import BA_DINH, at, inbox, key_headers, submit, walk

NOVEMBER = at("2026-11-10T09:00:00+07:00")
ALL_FOURS = {code: 4 for code in CRITERIA}


def rate(client, person, code: str, scores: dict | None = None, **body):
    return client.put(f"/api/v1/dossiers/{code}/rating", headers=person.headers,
                      json={"scores": ALL_FOURS if scores is None else scores, **body})


def decided(client, db_session, person, *states: str) -> str:
    code = submit(client, person).json["code"]
    walk(client, key_headers(db_session), code, "received", "processing", *states)
    return code


@pytest.fixture
def threshold(app, monkeypatch):
    """Suppression from 3 ratings, so a test can show a period and hide another."""
    runtime = app.extensions["runtime"]
    monkeypatch.setattr(runtime, "settings", replace(runtime.settings, metrics_suppression_threshold=3))


def test_the_criteria_are_the_portals_named_in_the_readers_language(client):
    answer = client.get("/api/v1/rating-criteria")
    assert answer.status_code == 200
    items = answer.json["items"]
    assert [item["code"] for item in items] == list(CRITERIA)
    assert "Thái độ, tinh thần phục vụ của cán bộ, công chức" in [item["name"] for item in items]
    english = client.get("/api/v1/rating-criteria", headers={"Accept-Language": "en"}).json["items"]
    assert [item["code"] for item in english] == list(CRITERIA)
    assert "Attitude and helpfulness of the officials" in [item["name"] for item in english]


def test_the_owner_rates_once_after_the_decision_and_changes_it_within_seven_days(
        client, db_session, people, catalogue):
    clock.freeze(NOVEMBER)
    citizen, other = people.citizen(), people.citizen()
    code = submit(client, citizen).json["code"]
    early = rate(client, citizen, code)
    assert early.status_code == 409 and early.json["code"] == "rating_not_open"
    assert early.json["current"] == "submitted"
    walk(client, key_headers(db_session), code, "received", "processing", "approved")
    invited = [n for n in inbox(client, citizen) if n["kind"] == "dossier_rating_invited"]
    assert [n["reference"] for n in invited] == [code] and "đánh giá" in invited[0]["title"]
    first = rate(client, citizen, code, comment="  Cán bộ hướng dẫn tận tình  ")
    assert first.status_code == 200, first.json
    assert first.json["scores"] == ALL_FOURS and first.json["comment"] == "Cán bộ hướng dẫn tận tình"
    assert at(first.json["changeable_until"]) == NOVEMBER + timedelta(days=7)
    assert rate(client, other, code).status_code == 404
    officer = people.staff("officer", agency_code=BA_DINH)
    assert rate(client, officer, code).status_code == 403
    clock.freeze(NOVEMBER + timedelta(days=6))
    changed = rate(client, citizen, code, {**ALL_FOURS, "timeliness": 2})
    assert changed.status_code == 200 and changed.json["scores"]["timeliness"] == 2
    assert changed.json["comment"] is None
    assert at(changed.json["created_at"]) == NOVEMBER and at(changed.json["updated_at"]) > NOVEMBER
    clock.freeze(NOVEMBER + timedelta(days=7))
    closed = rate(client, citizen, code, {**ALL_FOURS, "timeliness": 5})
    assert closed.status_code == 409 and closed.json["code"] == "rating_closed"
    walk(client, key_headers(db_session), code, "returned")
    assert rate(client, citizen, code).json["code"] == "rating_closed"


def test_a_rejected_dossier_can_be_rated_and_a_withdrawn_one_cannot(client, db_session, people, catalogue):
    citizen = people.citizen()
    assert rate(client, citizen, decided(client, db_session, citizen, "rejected")).status_code == 200
    withdrawn = submit(client, citizen).json["code"]
    walk(client, key_headers(db_session), withdrawn, "withdrawn")
    refused = rate(client, citizen, withdrawn)
    assert refused.status_code == 409 and refused.json["current"] == "withdrawn"
    assert not [n for n in inbox(client, citizen)
                if n["kind"] == "dossier_rating_invited" and n["reference"] == withdrawn]


def test_every_criterion_once_with_a_score_from_1_to_5(client, db_session, people, catalogue):
    citizen = people.citizen()
    code = decided(client, db_session, citizen, "approved")
    missing = rate(client, citizen, code, {k: v for k, v in ALL_FOURS.items() if k != "fees"})
    assert missing.status_code == 422 and missing.json["code"] == "missing_criterion"
    assert "scores.fees" in missing.json["errors"]
    unknown = rate(client, citizen, code, {**ALL_FOURS, "parking": 5})
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_criterion"
    assert "scores.parking" in unknown.json["errors"]
    for score in (0, 6, "5", 4.5):
        assert rate(client, citizen, code, {**ALL_FOURS, "fees": score}).status_code == 422
    assert rate(client, citizen, code).status_code == 200


def test_what_is_wrong_with_the_scores_is_said_in_the_readers_language(client, db_session, people, catalogue):
    citizen = people.citizen()
    code = decided(client, db_session, citizen, "approved")
    scores = {**{k: v for k, v in ALL_FOURS.items() if k != "fees"}, "parking": 5}
    in_vietnamese = rate(client, citizen, code, scores).json["errors"]
    assert in_vietnamese == {"scores.parking": ["Không có tiêu chí này."], "scores.fees": ["Chưa chấm điểm tiêu chí này."]}
    in_english = client.put(f"/api/v1/dossiers/{code}/rating", json={"scores": scores},
                            headers={**citizen.headers, "Accept-Language": "en"}).json["errors"]
    assert in_english == {"scores.parking": ["There is no such criterion."],
                          "scores.fees": ["This criterion has not been scored."]}


def _ratings(client, person, period: str):
    return client.get("/api/v1/agency/ratings", headers=person.headers, query_string={"period": period})


def test_officers_see_their_agencys_averages_never_who_rated(client, db_session, people, catalogue, threshold):
    officer = people.staff("officer", agency_code=BA_DINH)
    clock.freeze(NOVEMBER)
    owners, codes = [], []
    for timeliness in (1, 2, 4):
        owner = people.citizen(full_name=f"Trần Văn Điểm {timeliness}")
        code = decided(client, db_session, owner, "approved")
        assert rate(client, owner, code, {**ALL_FOURS, "timeliness": timeliness},
                    comment="Số điện thoại của tôi 0912345678").status_code == 200
        owners.append(owner)
        codes.append(code)
    answer = _ratings(client, officer, "2026-11")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["agency_code"] == BA_DINH and body["ratings"] == 3 and body["suppressed"] is False
    averages = {c["code"]: c["average"] for c in body["criteria"]}
    assert averages["timeliness"] == pytest.approx(2.33) and averages["fees"] == 4
    assert {c["code"]: c["name"] for c in body["criteria"]}["fees"] == "Phí, lệ phí thu đúng quy định"
    english = client.get("/api/v1/agency/ratings", headers={**officer.headers, "Accept-Language": "en"},
                         query_string={"period": "2026-11"}).json["criteria"]
    assert {c["code"]: c["name"] for c in english}["fees"] == "Fees and charges collected as prescribed"
    text = answer.get_data(as_text=True)
    for value in [*codes, *(o.full_name for o in owners), *(o.national_id for o in owners), "0912345678"]:
        assert value not in text
    assert _ratings(client, officer, "2026-10").json["ratings"] == 0
    assert _ratings(client, people.staff("officer", agency_code="UBND-00166"), "2026-11").json["ratings"] == 0
    assert _ratings(client, owners[0], "2026-11").status_code == 403
    assert _ratings(client, officer, "November").status_code == 422


def test_a_small_period_is_hidden_and_so_is_the_one_it_could_be_subtracted_from(
        client, db_session, people, catalogue, threshold):
    officer = people.staff("officer", agency_code=BA_DINH)
    for moment, count in ((at("2026-10-15T09:00:00+07:00"), 2), (NOVEMBER, 3)):
        clock.freeze(moment)
        for _ in range(count):
            owner = people.citizen()
            assert rate(client, owner, decided(client, db_session, owner, "approved")).status_code == 200
    october = _ratings(client, officer, "2026-10").json
    assert october["suppressed"] is True and october["ratings"] is None
    assert {c["average"] for c in october["criteria"]} == {None}
    # The quarter (5) is shown, so November (3) would give October away: it is hidden too.
    assert _ratings(client, officer, "2026-11").json["suppressed"] is True
    quarter = _ratings(client, officer, "2026-Q4").json
    assert quarter["suppressed"] is False and quarter["ratings"] == 5
