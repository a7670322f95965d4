"""Bulk load of health records: records (NDJSON lines, one patient's batch each) per second.

    python -m bench.health_import [--records 50000] [--database-url postgresql://...] [--no-sqlite]

Generates N patients in the registry and an NDJSON file of N records (a check-up each:
height, weight, blood pressure, pulse, glucose -> 6 observations + the BMI the server
computes, a condition, a risk factor, an immunization, a visit; an allergy for every tenth),
then times `HealthImport` over the file: JSON parsing, validation, registry lookup, record
creation, set-based inserts (COPY on PostgreSQL), a commit per chunk. Runs on a fresh
SQLite file and, when DATABASE_URL (or --database-url) is given, on that PostgreSQL
database (use a scratch database: the bench adds its rows there). Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import text  # noqa: E402

from migrations.runner import upgrade  # noqa: E402
from models.database import make_engine, make_session_factory  # noqa: E402
from services.demo.population import national_id_for  # noqa: E402
from services.health import facilities  # noqa: E402
from services.health.bulk_import import HealthImport  # noqa: E402
from services.demo.reference import shipped  # noqa: E402
from services.reference.file_import import numbered_ndjson_rows  # noqa: E402
from services.reference.file_kinds import import_clean_file  # noqa: E402
from services.reference.residents import load_residents  # noqa: E402

FACILITY = "BENCH-HOSPITAL"
PROVINCE = "036"  # Nam Định-born residents: never the demo's or the tests' numbers


def bench_national_id(index: int) -> tuple[str, date, str]:
    born = date(1940 + index % 70, 1 + index % 12, 1 + index % 28)
    sex = ("male", "female")[(index // 70) % 2]
    return national_id_for(born, sex, (index // 140) % 1_000_000, PROVINCE), born, sex


def prepare(url: str, count: int) -> None:
    """Schema, units, the bench facility and `count` residents (not timed)."""
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session, session.begin():
        import_clean_file(session, shipped("units_2024.csv"), "units")
        facilities.load_facilities(session, [{"code": FACILITY, "name": "Benchmark hospital", "district_code": "005"}])
    for start in range(0, count, 10_000):
        with sessions() as session, session.begin():
            rows = []
            for index in range(start, min(count, start + 10_000)):
                number, born, sex = bench_national_id(index)
                rows.append({"national_id": number, "full_name": f"Bench {index}", "date_of_birth": born,
                             "sex": sex, "district_code": "005", "guardian_national_id": None})
            load_residents(session, rows)
    engine.dispose()


def record_line(index: int, tag: str, at: datetime) -> dict:
    number, _, _ = bench_national_id(index)
    when = at.isoformat()
    sid = f"{tag}-{index}"

    def obs(suffix: str, code: str, value: float, unit: str) -> dict:
        return {"code": code, "value": value, "unit": unit, "effective_at": when, "source_id": f"{sid}-{suffix}"}

    line = {
        "national_id": number, "facility_code": FACILITY,
        "observations": [obs("h", "8302-2", 150 + index % 40, "cm"), obs("w", "29463-7", 50 + index % 40, "kg"),
                         obs("s", "8480-6", 110 + index % 50, "mm[Hg]"), obs("d", "8462-4", 70 + index % 30, "mm[Hg]"),
                         obs("p", "8867-4", 60 + index % 40, "/min"), obs("g", "1558-6", 4.5 + index % 30 / 10, "mmol/L")],
        "conditions": [{"code": ("I10", "E11", "E78", "J45")[index % 4], "onset_date": "2020-01-01",
                        "status": "active", "source_id": f"{sid}-c"}],
        "risk_factors": [{"kind": "smoking", "value": ("never", "former", "current")[index % 3], "source_id": f"{sid}-r"}],
        "immunizations": [{"vaccine": "Influenza", "date": at.date().isoformat(), "dose_number": 1,
                           "source_id": f"{sid}-i"}],
        "encounters": [{"start": when, "end": (at + timedelta(minutes=20)).isoformat(), "reason": "check-up",
                        "diagnoses": ["Z00.0"], "summary": "Routine check-up.", "source_id": f"{sid}-e"}],
    }
    if index % 10 == 0:
        line["allergies"] = [{"substance": "penicillin", "reaction": "rash", "source_id": f"{sid}-a"}]
    return line


def write_file(path: str, count: int, tag: str) -> int:
    at = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=7)
    with open(path, "w", encoding="utf-8") as out:
        for index in range(count):
            out.write(json.dumps(record_line(index, tag, at - timedelta(minutes=index % 10_000))) + "\n")
    return os.path.getsize(path)


def timed_import(url: str, path: str) -> dict:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    with sessions() as session, open(path, encoding="utf-8") as stream:
        report = HealthImport(session, commit=session.commit).run(numbered_ndjson_rows(stream))
    seconds = time.perf_counter() - started
    entries = sum(report.created.values())
    with engine.connect() as connection:
        observations = connection.execute(text("SELECT count(*) FROM observations")).scalar()
    engine.dispose()
    return {"records": report.loaded, "rejected": len(report.errors), "entries_created": entries,
            "duplicates_skipped": report.skipped_duplicates, "seconds": round(seconds, 2),
            "records_per_second": round(report.loaded / seconds), "entries_per_second": round(entries / seconds),
            "observations_in_table": observations}


def run(url: str, count: int, workdir: str, *, replay: bool = True) -> dict:
    prepare(url, count)
    path = os.path.join(workdir, "records.ndjson")
    size = write_file(path, count, uuid.uuid4().hex[:8])
    result = {"file_mb": round(size / 1e6, 1), "first_load": timed_import(url, path)}
    if replay:
        result["same_file_again"] = timed_import(url, path)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    report: dict = {"benchmark": "health_import", "records": args.records, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as workdir:
        if not args.no_sqlite:
            report["sqlite"] = run(f"sqlite:///{workdir}/bench.sqlite3", args.records, workdir)
        if args.database_url and args.database_url.startswith("postgresql"):
            report["postgresql"] = run(args.database_url, args.records, workdir)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
