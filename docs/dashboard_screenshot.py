"""Redraw docs/metrics-dashboard.png: the demo's dashboard as `make run` serves it, in Vietnamese.

    .venv/bin/python docs/dashboard_screenshot.py [--period 2025-Q3] [--level commune]

Seeds the demo into a scratch instance (SQLite, in-process Redis), serves it with `flask run` on
a free loopback port, signs in as the demo analyst in headless Chromium (Debian's chromium and
chromium-driver) and saves the page as a window shows it, and its first chart on its own. Nothing of the caller's
instance is touched.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
ANALYST = ("001190002222", "Analyst@2024")  # the demo analyst of README's table of demo accounts
CHROMEDRIVER = "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen([*FLASK, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the demo server did not start")


def _browser(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _shoot(base: str, query: str, output: Path, chart_output: Path, width: int, height: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _browser(width, height)
    try:
        driver.get(base + "/dashboard")
        driver.find_element(By.ID, "national_id").send_keys(ANALYST[0])
        driver.find_element(By.ID, "password").send_keys(ANALYST[1])
        driver.find_element(By.ID, "submit").click()
        WebDriverWait(driver, 30).until(lambda d: not d.current_url.endswith("/dashboard/sign-in"))
        driver.get(f"{base}/dashboard?{query}")
        driver.save_screenshot(str(output))
        driver.find_element(By.CSS_SELECTOR, ".indicator-chart").screenshot(str(chart_output))
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--period", default="2025-Q3")
    parser.add_argument("--level", default="commune")
    parser.add_argument("--sort", default="ehr_share")
    parser.add_argument("--size", default="1400x2000", help="browser window, WIDTHxHEIGHT")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "metrics-dashboard.png")
    parser.add_argument("--chart-output", type=Path, default=ROOT / "docs" / "metrics-dashboard-chart.png",
                        help="the first indicator's chart: the units sorted by value, the city marked")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    with tempfile.TemporaryDirectory() as instance:
        env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
        env.update(APP_ENV="development", INSTANCE_PATH=instance, LANG="vi_VN.UTF-8")
        subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*FLASK, "seed", "demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        server = _serve(env, port)
        try:
            query = f"period={args.period}&level={args.level}&sort={args.sort}&order=desc"
            _shoot(f"http://127.0.0.1:{port}", query, args.output, args.chart_output, width, height)
        finally:
            server.terminate()
            server.wait(10)
    print(args.output, args.chart_output)


if __name__ == "__main__":
    main()
