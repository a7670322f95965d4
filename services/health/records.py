"""Writing entries to health records: a provider's batch over HTTP and the bulk NDJSON import
share this path. Inserts are set-based (one statement per kind, COPY on PostgreSQL for large
loads) and skip entries whose (facility, source_id) is already stored.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.health import HealthRecord, Observation
from models.types import new_public_id
from services.clock import clock
from services.health import codes
from services.health.batch import CleanBatch, KINDS, derive_bmi
from services.health.entries import BY_BATCH_KEY
from services.health.step_times import StepTimes
from services.messages import LazyText

COPY_THRESHOLD = 2_000  # rows; below it a multi-row INSERT is cheaper than a staging table
ADULT_AGE = 20  # from this age an earlier height still gives a meaningful BMI
HEIGHT_VALID_FOR = timedelta(days=5 * 365)


def ensure_records(session: Session, resident_ids: Iterable[int]) -> dict[int, int]:
    """The health record id of each resident, creating the records that do not exist yet."""
    wanted = sorted(set(resident_ids))
    if not wanted:
        return {}
    table = HealthRecord.__table__
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = clock.now()
    session.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=["resident_id"]),
                    [{"resident_id": rid, "created_at": now} for rid in wanted])
    found: dict[int, int] = {}
    for start in range(0, len(wanted), 5_000):
        found.update(session.execute(select(table.c.resident_id, table.c.id)
                                     .where(table.c.resident_id.in_(wanted[start:start + 5_000]))).all())
    return found


def _insert_small(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table).on_conflict_do_nothing(index_elements=["facility_code", "source_id"])
    return len(session.execute(stmt.returning(table.c.id), list(rows)).all())


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _formatter(column) -> Callable[[Any], str]:
    """How one column's values are written in COPY's text format (None is \\N)."""
    python_type = getattr(column.type, "impl_instance", column.type).python_type
    if isinstance(column.type, JSON):
        format_one = lambda v: json.dumps(v, ensure_ascii=False).translate(_COPY_ESCAPES)  # noqa: E731
    elif isinstance(python_type, type) and issubclass(python_type, str):  # str, and the StrEnum columns
        format_one = lambda v: str(v).translate(_COPY_ESCAPES)  # noqa: E731
    elif python_type is bool:
        format_one = lambda v: "t" if v else "f"  # noqa: E731
    elif python_type in (datetime, date):
        format_one = lambda v: v.isoformat()  # noqa: E731
    elif python_type is uuid.UUID:
        format_one = str
    else:
        format_one = repr
    return lambda v: "\\N" if v is None else format_one(v)


def _copy_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], times: StepTimes) -> int:
    """COPY into a temporary staging table, then one INSERT ... SELECT skipping duplicates."""
    columns = [c for c in table.columns if c.name != "id"]
    formats = [(c.name, _formatter(c)) for c in columns]
    quoted = ", ".join(f'"{c.name}"' for c in columns)
    stage = f"_stage_{table.name}"
    raw = session.connection().connection.driver_connection
    with times.step("encode"):
        payload = "".join("\t".join([f(row[name]) for name, f in formats]) + "\n" for row in rows)
    with raw.cursor() as cursor:
        with times.step("copy"):
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {quoted} FROM {table.name} WITH NO DATA")
            with cursor.copy(f"COPY {stage} ({quoted}) FROM STDIN") as copy:
                copy.write(payload)
        with times.step("insert"):
            cursor.execute(f"INSERT INTO {table.name} ({quoted}) SELECT {quoted} FROM {stage} "
                           "ON CONFLICT (facility_code, source_id) DO NOTHING")
            created = cursor.rowcount
            cursor.execute(f"TRUNCATE {stage}")
    return created


def insert_entries(session: Session, table: Table, rows: Sequence[dict[str, Any]], *, bulk: bool = False,
                   times: StepTimes | None = None) -> int:
    """Insert `rows`, skipping (facility_code, source_id) already stored; the number inserted.

    `bulk` (a file import) always takes the COPY path on PostgreSQL; `times` gets its steps."""
    if not rows:
        return 0
    times = StepTimes() if times is None else times
    if (bulk or len(rows) >= COPY_THRESHOLD) and session.get_bind().dialect.name == "postgresql":
        with times.step("insert"):
            session.flush()
        return _copy_rows(session, table, rows, times)
    with times.step("insert"):
        return _insert_small(session, table, rows)


def latest_heights(session: Session, record_ids: Iterable[int]) -> dict[int, list[tuple[datetime, float]]]:
    """The stored heights of these records, oldest first (the import asks for many at once)."""
    ids = sorted(set(record_ids))
    found: dict[int, list[tuple[datetime, float]]] = {}
    for start in range(0, len(ids), 5_000):
        stmt = (select(Observation.record_id, Observation.effective_at, Observation.value)
                .where(Observation.record_id.in_(ids[start:start + 5_000]), Observation.code == codes.HEIGHT)
                .order_by(Observation.record_id, Observation.effective_at))
        for record_id, moment, value in session.execute(stmt):
            found.setdefault(record_id, []).append((moment, value))
    return found


def height_for_adult(heights: list[tuple[datetime, float]], born: date | None):
    """A lookup of the latest height before a moment, for a patient old enough for it to hold."""

    def lookup(moment: datetime) -> float | None:
        if born is None or (moment.date() - born).days < ADULT_AGE * 365:
            return None
        earlier = [value for measured, value in heights if moment - HEIGHT_VALID_FOR <= measured <= moment]
        return earlier[-1] if earlier else None

    return lookup


def add_derived(batch: CleanBatch, heights: list[tuple[datetime, float]], born: date | None
                ) -> dict[str, list[LazyText]]:
    """Add the server-computed BMI entries to `batch`; the errors of implausible results
    (catalogue texts by field path, written in the reader's language by whoever reports them)."""
    derived, errors = derive_bmi(batch.entries["observations"], height_for_adult(heights, born))
    batch.entries["observations"].extend(derived)
    return errors


def rows_for(batch: CleanBatch, record_id: int, facility_code: str, now: datetime) -> dict[str, list[dict[str, Any]]]:
    common = {"record_id": record_id, "facility_code": facility_code, "recorded_at": now}
    return {kind: [{**{k: v for k, v in entry.items() if k != "_index"}, **common, "public_id": new_public_id()}
                   for entry in entries]
            for kind, entries in batch.entries.items()}


def store(session: Session, rows: dict[str, list[dict[str, Any]]], *, bulk: bool = False,
          times: StepTimes | None = None) -> tuple[dict[str, int], int]:
    """Insert the rows of each kind: (created per kind, duplicates skipped)."""
    created = {kind: insert_entries(session, BY_BATCH_KEY[kind].model.__table__, rows.get(kind, []), bulk=bulk,
                                    times=times)
               for kind in KINDS}
    total = sum(len(rows.get(kind, [])) for kind in KINDS)
    return created, total - sum(created.values())
