"""The service index per agency (issue 16 point 8): the Decision 766 measures computed from the
system's own dossiers, what each is computed from, the groups that need data from elsewhere, and
small cells suppressed."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from models.dossiers import Procedure
from services.clock import clock
from services.dossiers.ratings import CRITERIA
from tests.e2e.test_metrics_dashboard import _sign_in
from tests.dossiers_support import BA_DINH, BUSINESS, at, key_headers, move, submit, walk
from tests.e2e.test_dossier_payments import gateway, pay  # noqa: F401  (the development gateway fixture)
from tests.roles_support import pdf_upload
from tests.signatures_support import minimal_pdf

NOVEMBER = at("2026-11-10T09:00:00+07:00")


@pytest.fixture
def threshold(app, monkeypatch):
    runtime = app.extensions["runtime"]
    monkeypatch.setattr(runtime, "settings", replace(runtime.settings, metrics_suppression_threshold=3))


def _index(client, person, language: str | None = None, **query):
    headers = {**person.headers, **({"Accept-Language": language} if language else {})}
    return client.get("/api/v1/metrics/service-index", headers=headers, query_string=query)


def _upload(client, headers, path: str, **form):
    answer = client.post(path, headers=headers, data={**form, "file": pdf_upload(minimal_pdf("Giay to"))},
                         content_type="multipart/form-data")
    assert answer.status_code == 201, answer.json


def test_each_agencys_measures_from_its_own_dossiers(client, db_session, people, catalogue, threshold):
    clock.freeze(NOVEMBER)
    key = key_headers(db_session)
    for index in range(4):
        citizen = people.citizen()
        code = submit(client, citizen).json["code"]
        if index < 3:
            _upload(client, citizen.headers, f"/api/v1/dossiers/{code}/documents", component_code="CCCD")
            walk(client, key, code, "received", "processing")
            _upload(client, key, f"/api/v1/agency/dossiers/{code}/result")
            walk(client, key, code, "approved")
            rating = client.put(f"/api/v1/dossiers/{code}/rating", headers=citizen.headers,
                                json={"scores": {c: 4 for c in CRITERIA}})
            assert rating.status_code == 200
    counter = people.resident()
    assert client.post("/api/v1/agency/dossiers", headers=key, json={
        "national_id": counter.national_id, "full_name": counter.full_name, "procedure_code": BUSINESS,
        "channel": "counter"}).status_code == 201
    analyst = people.staff("analyst")
    answer = _index(client, analyst, period="2026-11")
    assert answer.status_code == 200, answer.json
    entries = {e["code"]: e for e in answer.json["items"] if e["agency_code"] == BA_DINH}
    shares = {code: (e["numerator"], e["denominator"]) for code, e in entries.items()}
    assert shares == {"on_time": (3, 3), "online": (4, 5), "fully_online": (4, 5), "documents_digitised": (3, 5),
                      "electronic_results": (3, 3), "paid_online": (None, None), "satisfaction": (3, 3)}
    assert entries["online"]["value"] == 0.8 and entries["online"]["group"] == "online_provision"
    assert entries["paid_online"]["suppressed"] is True and entries["paid_online"]["value"] is None  # 0 paid online
    assert all(e["source"] for e in entries.values())
    elsewhere = {e["group"]: e for e in answer.json["elsewhere"]}
    assert "publicity" in elsewhere and elsewhere["publicity"]["external_source"]
    quarter = _index(client, analyst, period="2026-Q4", agency_code=BA_DINH).json["items"]
    assert {e["agency_code"] for e in quarter} == {BA_DINH} and len(quarter) == 7
    assert _index(client, analyst, period="2026-11", agency_code="UBND-00166").json["items"] == []


BUSINESS_AGENCY = "000.01.01.H26"  # UBND quận Ba Đình, ended 2025-06-30: its dossiers go to Ba Đình


def _procedure(session, code: str, *, fee: int, online_fee_vnd: int | None = None) -> None:
    session.add(Procedure(code=code, name=code, agency_code=BUSINESS_AGENCY, online_level="full", processing_days=3,
                          fee=fee, online_fee_vnd=online_fee_vnd, form_schema={"type": "object"}, search_text=code,
                          updated_at=NOVEMBER))
    session.commit()


def _paid(client, gateway, person, code: str) -> None:  # noqa: F811
    assert pay(client, person, code).status_code == 201
    ref = next(r for r, p in gateway.ledger.payments.items() if p.status == "pending")
    assert gateway.pay(ref).status_code == 200


def test_paid_online_counts_only_dossiers_that_owed_a_fee(client, db_session, people, catalogue, threshold,
                                                          gateway):  # noqa: F811
    """Filings that owed nothing (no fee, or none online) are in neither count; a payment the
    agency asked for later makes a free procedure's dossier owe one."""
    clock.freeze(NOVEMBER)
    _procedure(db_session, "T-FREE", fee=0)
    _procedure(db_session, "T-FREE-ONLINE", fee=75_000, online_fee_vnd=0)
    key = key_headers(db_session)
    for index in range(5):  # 2.000720 owes 100.000 ₫: three paid online, two not yet
        citizen = people.citizen()
        filed = submit(client, citizen).json
        assert filed["status"] == "payment_requested"
        if index < 3:
            _paid(client, gateway, citizen, filed["code"])
    counter = people.resident()  # owes the fee at the counter: owed, not paid online
    assert client.post("/api/v1/agency/dossiers", headers=key, json={
        "national_id": counter.national_id, "full_name": counter.full_name, "procedure_code": BUSINESS,
        "channel": "counter"}).status_code == 201
    for code in ("T-FREE", "T-FREE-ONLINE"):  # nothing owed: in neither count
        for _ in range(3):
            assert submit(client, people.citizen(), code).json["status"] == "submitted"
    asked = people.citizen()  # free when filed, then the agency asks for a payment
    code = submit(client, asked, "T-FREE").json["code"]
    walk(client, key, code, "received")
    assert move(client, key, code, "payment_requested", amount_vnd=20_000).status_code == 200
    _paid(client, gateway, asked, code)
    entries = _index(client, people.staff("analyst"), period="2026-11", agency_code=BA_DINH).json["items"]
    paid_online = next(e for e in entries if e["code"] == "paid_online")
    assert (paid_online["numerator"], paid_online["denominator"]) == (4, 7)
    assert paid_online["value"] == round(4 / 7, 6)
    online = next(e for e in entries if e["code"] == "online")
    assert online["denominator"] == 5 + 1 + 3 + 3 + 1  # every filing still counts where the fee plays no part


def test_a_small_cell_is_hidden_with_its_partner(client, people, catalogue, threshold):
    for moment, count in ((at("2026-10-15T09:00:00+07:00"), 2), (NOVEMBER, 3)):
        clock.freeze(moment)
        for _ in range(count):
            submit(client, people.citizen())
    analyst = people.staff("analyst")
    online = {p: next(e for e in _index(client, analyst, period=p, agency_code=BA_DINH).json["items"]
                      if e["code"] == "online") for p in ("2026-10", "2026-11", "2026-Q4")}
    assert online["2026-10"]["suppressed"] and online["2026-10"]["numerator"] is None
    assert online["2026-11"]["suppressed"]  # else the quarter minus November gives October away
    assert (online["2026-Q4"]["numerator"], online["2026-Q4"]["denominator"]) == (5, 5)


def test_who_may_ask_and_bad_periods(client, people):
    assert _index(client, people.staff("officer", agency_code=BA_DINH), period="2026").status_code == 403
    assert _index(client, people.citizen(), period="2026").status_code == 403
    bad = _index(client, people.staff("admin"), period="2026-13")
    assert bad.status_code == 422 and bad.json["code"] == "invalid_period"


def test_the_dashboard_page_shows_the_index_per_agency(client, people, catalogue, threshold):
    clock.freeze(NOVEMBER)
    for _ in range(3):
        submit(client, people.citizen())
    assert client.get("/dashboard/service-index?period=2026").status_code == 303  # not signed in
    assert _sign_in(client, people.staff("analyst").national_id).status_code == 303
    page = client.get("/dashboard/service-index", query_string={"period": "2026-11"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-agency="{BA_DINH}"' in html and "Hồ sơ nộp trực tuyến" in html
    assert 'title="3 / 3">100,0%' in html  # all three filed online, with the Vietnamese decimal comma
    in_english = client.get("/dashboard/service-index", query_string={"period": "2026-11"},
                            headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'title="3 / 3">100.0%' in in_english
    assert 'class="suppressed" data-code="on_time"' not in html and "Công khai, minh bạch" in html
    bad = client.get("/dashboard/service-index", query_string={"period": "2026-13"})
    assert bad.status_code == 400 and 'id="error"' in bad.get_data(as_text=True)


def test_the_measures_are_named_and_explained_in_the_readers_language(client, people, catalogue, threshold):
    clock.freeze(NOVEMBER)
    for _ in range(3):
        submit(client, people.citizen())
    analyst = people.staff("analyst")
    in_vietnamese = _index(client, analyst, period="2026-11", agency_code=BA_DINH).json
    in_english = _index(client, analyst, "en", period="2026-11", agency_code=BA_DINH).json
    assert {e["code"] for e in in_english["items"]} == {e["code"] for e in in_vietnamese["items"]}  # codes stay
    vi_online = next(e for e in in_vietnamese["items"] if e["code"] == "online")
    en_online = next(e for e in in_english["items"] if e["code"] == "online")
    assert (vi_online["name"], en_online["name"]) == ("Hồ sơ nộp trực tuyến", "Dossiers filed online")
    assert vi_online["source"].startswith("hồ sơ nộp trong kỳ") and en_online["source"].startswith("dossiers filed")
    vi_elsewhere = {e["code"]: e for e in in_vietnamese["elsewhere"]}
    en_elsewhere = {e["code"]: e for e in in_english["elsewhere"]}
    assert vi_elsewhere["publicity"]["group"] == en_elsewhere["publicity"]["group"] == "publicity"
    assert "thủ tục hành chính" in vi_elsewhere["publicity"]["external_source"]
    assert "TTHC database" in en_elsewhere["publicity"]["external_source"]


def test_the_dashboard_page_speaks_the_readers_language(client, people, catalogue, threshold):
    clock.freeze(NOVEMBER)
    for _ in range(3):
        submit(client, people.citizen())
    assert _sign_in(client, people.staff("analyst").national_id).status_code == 303
    english = {"Accept-Language": "en"}

    def page(period: str, **headers):
        return client.get("/dashboard/service-index", query_string={"period": period}, headers=headers)

    in_vietnamese, in_english = page("2026-11").get_data(as_text=True), page("2026-11", **english).get_data(as_text=True)
    assert "Hồ sơ nộp trực tuyến" in in_vietnamese and "Dossiers filed online" not in in_vietnamese
    assert 'title="hồ sơ nộp trong kỳ (theo ngày nộp)' in in_vietnamese and "numerator" not in in_vietnamese
    assert "Dossiers filed online" in in_english and "Hồ sơ nộp trực tuyến" not in in_english
    assert "Service index by agency" in in_english and "Chỉ số phục vụ theo cơ quan" in in_vietnamese
    bad_in_vietnamese, bad_in_english = page("2026-13"), page("2026-13", **english)
    assert bad_in_vietnamese.status_code == bad_in_english.status_code == 400
    vi_error = re.search(r'id="error">([^<]+)<', bad_in_vietnamese.get_data(as_text=True)).group(1)
    en_error = re.search(r'id="error">([^<]+)<', bad_in_english.get_data(as_text=True)).group(1)
    assert vi_error.startswith("Một năm (2024), một quý (2024-Q3) hoặc một tháng (2024-11)")
    assert en_error.startswith("A year (2024), a quarter (2024-Q3) or a month (2024-11)")
    for html in (in_vietnamese, in_english, bad_in_vietnamese.get_data(as_text=True),
                 bad_in_english.get_data(as_text=True)):
        assert "LazyText(" not in html
