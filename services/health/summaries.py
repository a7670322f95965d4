"""The stored summary of each record (issue 15.2): the document GET /me/health/summary answers,
rewritten in the same transaction as every write to the record (a provider's batch, an
import, a correction), so a read is one lookup of the primary key and its version is the ETag.

The document is what services.health.reading.record_summary computes, in its JSON form; the
person block is added at read time, as it lives in the population registry, not the record.
A record without a stored summary (one that existed before the table) gets it on its first
read or write; `flask health summaries` builds them all ahead, in committed batches.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.health import HealthRecord, HealthSummary
from models.reference import Resident
from services.clock import clock
from services.health.reading import EMPTY_RECORD, person_block, record_summaries, record_summary

# How a value the summary holds is written in JSON: as the API's schemas write it.
JSON_FORMS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (date, lambda value: value.isoformat()),  # datetime is a date too
    (uuid.UUID, str),
    (Enum, lambda value: value.value),
)


def _written(value: Any) -> Any:
    for kind, written in JSON_FORMS:
        if isinstance(value, kind):
            return written(value)
    raise TypeError(f"{type(value).__name__} has no JSON form")


def json_form(value: Any) -> Any:
    """`value` as JSON holds it: through the C encoder and decoder, which call `_written` only
    for the values JSON has no form of (a string enum is already a string)."""
    return json.loads(json.dumps(value, default=_written, ensure_ascii=False))


@dataclass(frozen=True)
class StoredSummary:
    """The body of a summary read, and what its ETag is computed from: the record's summary
    version and the person block (a registry change shows although the record did not move)."""

    body: dict[str, Any]
    record_id: int | None
    version: int

    @property
    def etag_data(self) -> list[Any]:
        return [self.record_id, self.version, self.body["subject"]]


REFRESH_BATCH = 500  # records whose summaries an import computes together


def _insert_missing(session: Session, record_ids: list[int]) -> None:
    """An empty version-0 row to lock for each record without one (two first writes meet on the key)."""
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = clock.now()
    session.execute(dialect_insert(HealthSummary.__table__).on_conflict_do_nothing(index_elements=["record_id"]),
                    [{"record_id": record_id, "document": {}, "version": 0, "updated_at": now}
                     for record_id in record_ids])


def _locked(session: Session, record_ids: list[int]) -> dict[int, HealthSummary]:
    """The summary rows of these records, locked in key order (two imports lock in the same order).

    The lock comes before the computation, so that a writer waiting for another one reads the
    other's entries once it has committed (PostgreSQL, read committed); SQLite serializes writers."""
    session.flush()
    _insert_missing(session, record_ids)
    rows = session.scalars(select(HealthSummary).where(HealthSummary.record_id.in_(record_ids))
                           .order_by(HealthSummary.record_id).with_for_update()
                           .execution_options(populate_existing=True))
    return {row.record_id: row for row in rows}


def _locked_versions(session: Session, record_ids: list[int]) -> dict[int, int]:
    """`_locked` for many records, without loading the rows: their versions."""
    session.flush()
    _insert_missing(session, record_ids)
    table = HealthSummary.__table__
    return dict(session.execute(select(table.c.record_id, table.c.version).where(table.c.record_id.in_(record_ids))
                                .order_by(table.c.record_id).with_for_update()).all())


def _rewrite(row: HealthSummary, document: dict[str, Any]) -> None:
    row.document = json_form(document)
    row.version += 1
    row.updated_at = clock.now()


def refresh(session: Session, record_id: int) -> HealthSummary:
    """Recompute the record's summary under a row lock and store it with the next version."""
    row = _locked(session, [record_id])[record_id]
    _rewrite(row, record_summary(session, record_id))
    session.flush()
    return row


_REWRITE_MANY = (update(HealthSummary.__table__)
                 .where(HealthSummary.__table__.c.record_id == bindparam("key"))
                 .values(document=bindparam("document"), version=bindparam("next_version"),
                         updated_at=bindparam("now")))


def refresh_all(session: Session, record_ids: Iterable[int]) -> None:
    """Refresh several records once each: per batch, one locking read, one query per entry
    kind, and one statement writing every document (the ORM objects are not loaded)."""
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start:start + REFRESH_BATCH]
        versions = _locked_versions(session, batch)
        now = clock.now()
        session.execute(_REWRITE_MANY, [
            {"key": record_id, "document": json_form(document), "next_version": versions[record_id] + 1, "now": now}
            for record_id, document in record_summaries(session, batch).items()])
        for row in session.identity_map.values():  # a summary this session had loaded is now stale
            if isinstance(row, HealthSummary) and row.record_id in versions:
                session.expire(row)


def records_without_summary(session: Session) -> list[int]:
    """Records that have no stored summary yet (they existed before the table)."""
    return list(session.scalars(
        select(HealthRecord.id).outerjoin(HealthSummary, HealthSummary.record_id == HealthRecord.id)
        .where(HealthSummary.record_id.is_(None)).order_by(HealthRecord.id)))


def build_missing(session: Session, record_ids: list[int], *, commit: Callable[[], None],
                  progress: Callable[[int], None]) -> None:
    """Store the summaries of `record_ids`, one committed batch at a time (`flask health summaries`)."""
    for start in range(0, len(record_ids), REFRESH_BATCH):
        batch = record_ids[start:start + REFRESH_BATCH]
        refresh_all(session, batch)
        commit()
        progress(len(batch))


def stored(session: Session, record_id: int) -> HealthSummary:
    """The record's stored summary: one primary-key lookup (built here on a record's first read)."""
    return session.get(HealthSummary, record_id) or refresh(session, record_id)


def read(session: Session, resident: Resident, record_id: int | None, *, for_staff: bool = False) -> StoredSummary:
    head = {"subject": json_form(person_block(resident, for_staff=for_staff)), "has_record": record_id is not None}
    if record_id is None:
        return StoredSummary({**head, **EMPTY_RECORD}, None, 0)
    row = stored(session, record_id)
    return StoredSummary({**head, **row.document}, record_id, row.version)
