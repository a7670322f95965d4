"""The dashboard in headless Chromium: sign in through the form, compare the table with the API.

The app is served on 127.0.0.1 by werkzeug in a thread, on the test database, so the data
is committed for real (not in the per-test rolled-back transaction) and deleted afterwards.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.request
from datetime import date

import pytest
from sqlalchemy import delete, select
from werkzeug.serving import make_server

from api.context import context_of
from models.identity import Account, AuthSession, RefreshToken, SecurityEvent
from models.metrics import UsageMonthlyActive
from models.reference import Resident
from services.demo.population import national_id_for
from services.identity import accounts
from services.messages import format_percent
from services.metrics.units import CITY_CODE
from tests.metrics_support import seed_people, utc
from tests.support import PASSWORD

CHROMEDRIVER = "/usr/bin/chromedriver"
OUTPUT = os.path.join(os.path.dirname(__file__), "..", "..", "test-output")
EPOCH = "browser-test"

pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") and os.path.exists(CHROMEDRIVER)),
    reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)")


@pytest.fixture
def live(make_app, base_app):  # base_app: the reference data is loaded
    """A served app with committed people, an analyst, and monthly usage; removed afterwards.

    The rows go straight into 2024, a year that has ended: counts of 2024 kept in Redis by
    whatever ran before would not see them (services/metrics/year_counts.py), so Redis starts
    empty, and is emptied again with the rows."""
    app = make_app()
    rt = app.extensions["runtime"]
    rt.kv.flushdb()
    analyst_id = national_id_for(date(1985, 1, 1), "male", 990_001)
    with rt.sessions() as session, session.begin():
        sizes = {"001": 40, "002": 25, "003": 14, "004": 6, "005": 60}
        people = seed_people(session, [
            {"district_code": code, "born": date(1970 + i % 30, 1, 1),
             **({"created_at": utc(2024, 2, 1)} if i % 3 else {})}
            for code, size in sizes.items() for i in range(size)])
        analyst = accounts.create_staff(context_of(rt, session), rt.passwords, role="analyst",
                                        national_id=analyst_id, full_name="Lê Thu Phân Tích",
                                        password=PASSWORD)
        for month in range(1, 13):
            session.add_all(UsageMonthlyActive(month=date(2024, month, 1), unit_code=unit, feature="any",
                                               active_users=users + month, redis_epoch=EPOCH)
                            for unit, users in (("001", 10), ("002", 8), ("005", 20), (CITY_CODE, 40)))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", analyst_id
    finally:
        server.shutdown()
        thread.join(5)
        account_ids = [p.account_id for p in people if p.account_id] + [analyst.id]
        with rt.sessions() as session, session.begin():
            sessions = select(AuthSession.id).where(AuthSession.account_id.in_(account_ids))
            session.execute(delete(RefreshToken).where(RefreshToken.session_id.in_(sessions)))
            session.execute(delete(AuthSession).where(AuthSession.account_id.in_(account_ids)))
            session.execute(delete(SecurityEvent).where(SecurityEvent.account_id.in_(account_ids)))
            session.execute(delete(Account).where(Account.id.in_(account_ids)))
            session.execute(delete(Resident).where(Resident.national_id.in_([p.national_id for p in people])))
            session.execute(delete(UsageMonthlyActive).where(UsageMonthlyActive.redis_epoch == EPOCH))
        rt.kv.flushdb()
        rt.engine.dispose()


def _api(base: str, path: str, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=20) as answer:
        return json.load(answer)


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,2200"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_dashboard_table_matches_the_api(live):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, analyst_id = live
    driver = _browser()
    try:
        driver.get(base + "/dashboard")
        assert driver.current_url.endswith("/dashboard/sign-in")
        driver.find_element(By.ID, "national_id").send_keys(analyst_id)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "submit").click()
        # the sign-in's redirect must land (and its cookie be set) before the next page is asked for
        WebDriverWait(driver, 30).until(lambda d: not d.current_url.endswith("/dashboard/sign-in"))
        driver.get(base + "/dashboard?period=2024&level=district&sort=eid_verified_share&order=desc")
        assert driver.find_element(By.ID, "shown-period").text == "2024"
        assert "▼" in driver.find_element(By.CSS_SELECTOR, 'th[data-code="eid_verified_share"]').text
        cells = {(c.get_attribute("data-code"), c.get_attribute("data-unit")): {
            "suppressed": c.get_attribute("data-suppressed"), "numerator": c.get_attribute("data-numerator"),
            "denominator": c.get_attribute("data-denominator"), "text": c.text}
            for c in driver.find_elements(By.CSS_SELECTOR, "#indicators td[data-code]")}
        language = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        assert driver.find_elements(By.CSS_SELECTOR, ".indicator-chart svg")
        assert driver.find_elements(By.CSS_SELECTOR, "#trend-chart svg")
        os.makedirs(OUTPUT, exist_ok=True)
        driver.save_screenshot(os.path.join(OUTPUT, "dashboard.png"))
    finally:
        driver.quit()

    token = _api(base, "/api/v1/auth/token", body={"national_id": analyst_id, "password": PASSWORD})["access_token"]
    items = (_api(base, "/api/v1/metrics/indicators?period=2024&level=city", token)["items"]
             + _api(base, "/api/v1/metrics/indicators?period=2024&level=district", token)["items"])
    assert len(cells) == len(items) and any(i["suppressed"] for i in items)
    published = 0
    for item in items:
        cell = cells[(item["code"], item["unit_code"])]
        assert cell["suppressed"] == str(item["suppressed"]).lower()
        if not item["suppressed"]:
            published += 1
            assert int(cell["numerator"]) == item["numerator"]
            assert int(cell["denominator"]) == item["denominator"]
            assert cell["text"] == format_percent(item["value"], language)  # 12,5% in Vietnamese
    assert published >= 6  # e-ID and MAU of the city and the larger districts
