"""/dashboard through the Flask client: form sign-in with CSRF, roles, the table and charts."""
from __future__ import annotations

import html as markup
import re
from datetime import date

from services.metrics.catalogue import catalogue_for
from tests.metrics_support import seed_people, utc
from tests.support import PASSWORD


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _sign_in(client, national_id: str, password: str = PASSWORD, token: str | None = None):
    form = client.get("/dashboard/sign-in").get_data(as_text=True)
    return client.post("/dashboard/sign-in", data={
        "national_id": national_id, "password": password,
        "csrf_token": _csrf(form) if token is None else token})


def test_the_dashboard_needs_an_analyst_signed_in_through_the_form(client, people):
    answer = client.get("/dashboard")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/dashboard/sign-in")
    analyst, citizen = people.staff("analyst"), people.citizen()
    assert _sign_in(client, analyst.national_id, token="forged").status_code == 403
    wrong = _sign_in(client, analyst.national_id, "not the password")
    assert wrong.status_code == 401 and "Số định danh hoặc mật khẩu không đúng." in wrong.get_data(as_text=True)
    not_analyst = _sign_in(client, citizen.national_id)  # the right password, the wrong role
    assert not_analyst.status_code == 401
    assert not_analyst.get_data(as_text=True) == wrong.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 303


def test_an_analyst_sees_the_table_and_charts_then_signs_out(client, people, db_session):
    seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 3, 1)}
                             for code, size in (("001", 30), ("002", 20)) for _ in range(size)])
    analyst = people.staff("analyst")
    signed_in = _sign_in(client, analyst.national_id)
    assert signed_in.status_code == 303 and signed_in.headers["Location"].endswith("/dashboard")
    assert "HttpOnly" in signed_in.headers["Set-Cookie"] and "SameSite=Lax" in signed_in.headers["Set-Cookie"]

    page = client.get("/dashboard?period=2024&level=district")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    cell = re.search(r'data-code="eid_verified_share" data-unit="001"[^>]*data-numerator="(\d+)" '
                     r'data-denominator="(\d+)"', html.replace("\n", " "))
    assert cell and cell.groups() == ("30", "30")
    shown = re.compile(r'data-code="eid_verified_share" data-unit="001"[^>]*>([^<]+)</td>')
    assert shown.search(html.replace("\n", " ")).group(1) == "100,0%"  # the Vietnamese decimal comma
    in_english = client.get("/dashboard?period=2024&level=district", headers={"Accept-Language": "en"})
    assert shown.search(in_english.get_data(as_text=True).replace("\n", " ")).group(1) == "100.0%"
    chart = re.compile(r'data-code="eid_verified_share"><svg.*?</figure>', re.S)
    assert "100,0%" in chart.search(html).group(0)
    assert "100.0%" in chart.search(in_english.get_data(as_text=True)).group(0)
    assert "Ba Đình" in html and html.count("<svg") == 1 + 7  # the trend and one chart per indicator
    assert "http://" not in html.split("<svg")[0] and "https://" not in html.split("<svg")[0]

    csv_file = client.get("/dashboard/indicators.csv?period=2024&level=district")
    assert csv_file.status_code == 200 and csv_file.get_data().startswith(b"\xef\xbb\xbf")
    assert client.get("/dashboard?period=2024-Q7").status_code == 400

    out = client.post("/dashboard/sign-out", data={"csrf_token": _csrf(html)})
    assert out.status_code == 303
    assert client.get("/dashboard").status_code == 303


def _column_name(page: str, code: str) -> str:
    found = re.search(rf'<th data-code="{code}" title="[^"]*"><a class="sort" href="[^"]*">([^<]+)</a>', page)
    return markup.unescape(found.group(1))


def test_the_indicator_columns_are_named_in_the_pages_language(client, people):
    definition = next(d for d in catalogue_for(date(2024, 12, 31)).indicators if d.code == "eid_verified_share")
    assert definition.name_vi != definition.name_en
    assert _sign_in(client, people.staff("analyst").national_id).status_code == 303
    in_vietnamese = client.get("/dashboard?period=2024").get_data(as_text=True)
    in_english = client.get("/dashboard?period=2024", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _column_name(in_vietnamese, "eid_verified_share") == definition.name_vi
    assert _column_name(in_english, "eid_verified_share") == definition.name_en
