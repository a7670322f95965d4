"""What suppression costs on the demo data, printed as JSON (the README's figures).

    python -m bench.suppression_cost [--threshold 10]

Seeds `seed demo` into a scratch SQLite database in a temporary directory, then, per 2024
indicator (its year, quarters and months, the city and the districts, as published together,
and the same periods re-expressed on the 126 units of 2025), per 2025 indicator (the city; the
districts January to June, the 126 wards and communes July to December and the year; January
to June re-expressed on the 126) and per month of demo usage (the month and its days, every
unit with the city, every feature with `any`), counts the cells, those hidden by the threshold
and those hidden as partners.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _costs(session, threshold: int) -> dict:
    from sqlalchemy import select

    from models.metrics import UsageDaily
    from services.metrics.indicators import year_tables
    from services.metrics.suppression import cost, protect
    from services.metrics.usage_report import month_table

    report: dict = {"indicators_2024": {}, "indicators_2025": {}, "usage": {}}
    for year, today in (("2024", date(2025, 1, 15)), ("2025", date(2026, 1, 15))):
        for code, table in year_tables(session, year, today).items():
            started = time.perf_counter()
            found = cost(table, protect(table, threshold))
            report[f"indicators_{year}"][code] = {"cells": found.cells, "primary": found.primary,
                                                  "complementary": found.complementary,
                                                  "seconds": round(time.perf_counter() - started, 2)}
    months = sorted({day.replace(day=1) for day in session.scalars(select(UsageDaily.day).distinct())})
    for month in months:
        cells, table = month_table(session, month)
        started = time.perf_counter()
        protection = protect(table, threshold)
        report["usage"][month.isoformat()[:7]] = {
            "cells": len(cells), "primary": len(protection.primary),
            "complementary": len(protection.complementary),
            "seconds": round(time.perf_counter() - started, 2)}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=int, default=10)
    args = parser.parse_args()
    from api import create_app
    from migrations.runner import upgrade
    from services.demo.reference import seed_reference_data

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/cost.db"
        upgrade(url)
        os.environ["INSTANCE_PATH"] = scratch
        app = create_app({"APP_ENV": "testing", "TESTING": True, "DATABASE_URL": url,
                          "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "WARNING"})
        runtime = app.extensions["runtime"]
        with runtime.sessions() as session, session.begin():
            seed_reference_data(session)
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
        with runtime.sessions() as session:
            print(json.dumps(_costs(session, args.threshold), indent=1))


if __name__ == "__main__":
    main()
