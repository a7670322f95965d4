"""Bulk load of health records: records (NDJSON lines, one patient's batch each) per second.

    python -m bench.health_import [--records 50000] [--database-url postgresql://...] [--no-sqlite]
                                  [--no-bare-copy]

Generates N patients in the registry and an NDJSON file of N records (a check-up each:
height, weight, blood pressure, pulse, glucose -> 6 observations + the BMI the server
computes, a condition, a risk factor, an immunization, a visit; an allergy for every tenth),
then times `HealthImport` over the file: JSON parsing, validation, registry lookup, record
creation, set-based inserts (COPY on PostgreSQL), a commit per chunk. Runs on a fresh
SQLite file and, when DATABASE_URL (or --database-url) is given, on that PostgreSQL
database (use a scratch database: the bench adds its rows there). Prints JSON.

Each load reports where the import's time went, as the import measured it (`seconds_by_step`:
parse, lookup, validate, rows, encode, copy, insert, summaries, commit).

On PostgreSQL the same run then measures the machine's limit: a bare binary COPY of the same
rows into the same tables (health_records, the six entry tables, health_summaries), read back
from what the import wrote and given to as many other bench residents (new record ids, source
ids and public ids), in one transaction with its commit; no parsing, no checks, no staging
table. It reports both rates, the import's share of the bare COPY and the projected time of
8.4 million records (Hanoi's population) at each rate.
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

import psycopg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from migrations.runner import upgrade  # noqa: E402
from models.database import make_engine, make_session_factory  # noqa: E402
from services.demo.population import national_id_for  # noqa: E402
from services.health import facilities  # noqa: E402
from services.health.bulk_import import HealthImport  # noqa: E402
from services.health.entries import ENTRY_KINDS  # noqa: E402
from models.types import new_public_id  # noqa: E402
from services.demo.reference import shipped  # noqa: E402
from services.reference.file_import import numbered_ndjson_rows  # noqa: E402
from services.reference.file_kinds import import_clean_file  # noqa: E402
from services.reference.residents import load_residents  # noqa: E402

FACILITY = "BENCH-HOSPITAL"
CITY_RECORDS = 8_400_000  # Hanoi's residents: the whole city's records in one load
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
    steps = report.seconds_by_step
    return {"records": report.loaded, "rejected": len(report.errors), "entries_created": entries,
            "duplicates_skipped": report.skipped_duplicates, "seconds": round(seconds, 2),
            "records_per_second": round(report.loaded / seconds), "entries_per_second": round(entries / seconds),
            "observations_in_table": observations, "seconds_by_step": steps.rounded(),
            "share_by_step": {name: round(part / seconds, 3) for name, part in steps.items()},
            "unaccounted_seconds": round(seconds - sum(steps.values()), 3)}


def _driver_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


JSON_TYPES = ("json", "jsonb")  # read and sent as their text (json's binary form is its text)


def _columns(cursor, table: str) -> list[tuple[str, str]]:
    """(column, binary COPY type) of `table`, in order; json columns are sent as text."""
    cursor.execute("SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                   "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                   (table,))
    return [(name, "text" if kind in JSON_TYPES else kind) for name, kind in cursor.fetchall()]


def _selected(cursor, table: str) -> str:
    """The select list reading `table`'s columns as _columns sends them."""
    cursor.execute("SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                   "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                   (table,))
    return ", ".join(f'"{name}"::text' if kind in JSON_TYPES else f'"{name}"' for name, kind in cursor.fetchall()
                     if name != "id")


def _rows_to_copy(cursor, count: int) -> tuple[dict[str, tuple[list[tuple[str, str]], list[list]]], int]:
    """What the import wrote for bench residents 0..count-1, moved onto residents count..2*count-1:
    {table: (columns, rows)} in insertion order, and the number of records (not timed)."""
    imported = [bench_national_id(index)[0] for index in range(count)]
    others = [bench_national_id(index)[0] for index in range(count, 2 * count)]
    cursor.execute("SELECT r.national_id, h.id, h.created_at FROM health_records h JOIN residents r "
                   "ON r.id = h.resident_id WHERE r.national_id = ANY(%s)", (imported,))
    old = {number: (record_id, created) for number, record_id, created in cursor.fetchall()}
    cursor.execute("SELECT national_id, id FROM residents WHERE national_id = ANY(%s)", (others,))
    resident_of = dict(cursor.fetchall())
    pairs = [(old[a], resident_of[b]) for a, b in zip(imported, others) if a in old]
    cursor.execute("SELECT nextval(pg_get_serial_sequence('health_records', 'id')) FROM generate_series(1, %s)",
                   (len(pairs),))
    new_ids = [row[0] for row in cursor.fetchall()]
    moved = {old_id: new_id for ((old_id, _), _), new_id in zip(pairs, new_ids)}
    plan = {"health_records": ([("id", "int8"), ("resident_id", "int8"), ("created_at", "timestamptz")],
                               [[new_id, resident, created] for ((_, created), resident), new_id in zip(pairs, new_ids)])}
    for kind in ENTRY_KINDS:
        table = kind.model.__tablename__
        columns = [c for c in _columns(cursor, table) if c[0] != "id"]
        names = [name for name, _ in columns]
        cursor.execute(f"SELECT {_selected(cursor, table)} FROM {table} WHERE record_id = ANY(%s)", (list(moved),))
        rows = []
        for row in cursor.fetchall():
            row = dict(zip(names, row))
            row.update(record_id=moved[row["record_id"]], public_id=new_public_id(),
                       source_id=f"bare-{row['source_id']}")
            rows.append([row[name] for name in names])
        plan[table] = (columns, rows)
    columns = _columns(cursor, "health_summaries")
    cursor.execute("SELECT record_id, document::text, version, updated_at FROM health_summaries "
                   "WHERE record_id = ANY(%s)", (list(moved),))
    plan["health_summaries"] = (columns, [[moved[r[0]], *r[1:]] for r in cursor.fetchall()])
    return plan, len(pairs)


def bare_copy(url: str, count: int) -> dict:
    """A binary COPY of the rows the import wrote (see the module's text), timed with its commit."""
    with psycopg.connect(_driver_url(url)) as connection:
        with connection.cursor() as cursor:
            plan, records = _rows_to_copy(cursor, count)
        connection.commit()
        seconds_by_table = {}
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table, (columns, rows) in plan.items():
                table_started = time.perf_counter()
                quoted = ", ".join(f'"{name}"' for name, _ in columns)
                with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types([kind for _, kind in columns])
                    for row in rows:
                        copy.write_row(row)
                seconds_by_table[table] = round(time.perf_counter() - table_started, 3)
        commit_started = time.perf_counter()
        connection.commit()
        seconds_by_table["commit"] = round(time.perf_counter() - commit_started, 3)
        seconds = time.perf_counter() - started
    return {"records": records, "rows": sum(len(rows) for _, rows in plan.values()), "seconds": round(seconds, 2),
            "records_per_second": round(records / seconds), "seconds_by_table": seconds_by_table}


def against_bare_copy(first_load: dict, copy: dict) -> dict:
    """The import beside the bare COPY: both rates, the share, and 8.4 million records at each."""
    def city_minutes(rate: float) -> float:
        return round(CITY_RECORDS / rate / 60, 1)

    return {"import_records_per_second": first_load["records_per_second"],
            "bare_copy_records_per_second": copy["records_per_second"],
            "share_of_bare_copy": round(first_load["records_per_second"] / copy["records_per_second"], 3),
            "minutes_for_8_4_million_records": {"import": city_minutes(first_load["records_per_second"]),
                                                "bare_copy": city_minutes(copy["records_per_second"])}}


def run(url: str, count: int, workdir: str, *, replay: bool = True, copy: bool = False) -> dict:
    prepare(url, 2 * count if copy else count)  # the bare COPY writes for the second half
    path = os.path.join(workdir, "records.ndjson")
    size = write_file(path, count, uuid.uuid4().hex[:8])
    result = {"file_mb": round(size / 1e6, 1), "first_load": timed_import(url, path)}
    if copy:
        result["bare_copy"] = bare_copy(url, count)
        result["against_bare_copy"] = against_bare_copy(result["first_load"], result["bare_copy"])
    if replay:
        result["same_file_again"] = timed_import(url, path)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-bare-copy", action="store_true", help="PostgreSQL: skip the bare COPY of the same rows")
    args = parser.parse_args()
    report: dict = {"benchmark": "health_import", "records": args.records, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as workdir:
        if not args.no_sqlite:
            report["sqlite"] = run(f"sqlite:///{workdir}/bench.sqlite3", args.records, workdir)
        if args.database_url and args.database_url.startswith("postgresql"):
            report["postgresql"] = run(args.database_url, args.records, workdir, copy=not args.no_bare_copy)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
