"""Loading health records from NDJSON: one provider batch per line, with the patient's
`national_id` and the writing `facility_code` added.

Streams the file in chunks: per chunk one registry lookup, one record upsert and one
set-based insert per entry kind (COPY on PostgreSQL), then a commit, so a crash loses at
most a chunk and a re-run skips what is stored (source ids are unique per facility).
Bad lines are reported with their line number and reason and skipped.

The report says where the time went (`seconds_by_step`, services/health/step_times.py): parse
(reading and JSON-decoding lines), lookup (registry, records, stored heights), validate (the
batch rules and the derived BMI), rows (the entry rows), encode (COPY's text), copy (into the
staging tables), insert (from them, skipping duplicates; the whole insert off PostgreSQL),
summaries (the stored summaries of the chunk's records) and commit.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Resident
from services.clock import clock
from services.calendar.business_days import HANOI
from services.errors import ValidationFailed
from services.health import codes, records, summaries
from services.health.batch import KINDS, CleanBatch, Context, parse_batch
from services.health.facilities import facility_codes
from services.health.step_times import StepTimes
from services.messages import LazyText, lazy_text
from services.reference.file_import import ImportReport, RowError, RowRejected

CHUNK_LINES = 2_000
# What a line of the wrong shape (an object where a code belongs, nesting a thousand deep) makes
# the rules raise: that line is reported and skipped, the import goes on.
MALFORMED_LINE = (TypeError, ValueError, KeyError, AttributeError, RecursionError, OverflowError)


@dataclass
class HealthImportReport(ImportReport):
    created: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind in KINDS})
    skipped_duplicates: int = 0
    seconds_by_step: StepTimes = field(default_factory=StepTimes)


@dataclass
class _Line:
    number: int
    national_id: str
    facility_code: str
    raw: dict[str, Any]


def _reason(error: ValidationFailed) -> LazyText:
    """The first three fields the rules refused, each with its messages."""
    parts = [lazy_text("imports.field_messages", path=path, messages=messages)
             for path, messages in list(error.errors.items())[:3]]
    return lazy_text("imports.reasons", reasons=parts or [error.detail])


def _needs_stored_height(batch: CleanBatch) -> bool:
    observations = batch.entries["observations"]
    def day(o: dict[str, Any]) -> date:
        return o["effective_at"].astimezone(HANOI).date()

    height_days = {day(o) for o in observations if o["code"] == codes.HEIGHT}
    return any(o["code"] == codes.WEIGHT and day(o) not in height_days for o in observations)


class HealthImport:
    def __init__(self, session: Session, *, commit: Callable[[], None] | None = None,
                 progress: Callable[[int], None] | None = None, chunk_lines: int = CHUNK_LINES) -> None:
        self.session, self.commit, self.progress = session, commit, progress
        self.chunk_lines = chunk_lines
        self.facilities = facility_codes(session)
        self.report = HealthImportReport()

    def run(self, numbered: Iterable[tuple[int, Any]]) -> HealthImportReport:
        chunk: list[_Line] = []
        for number, raw in self.report.seconds_by_step.pulling("parse", numbered):
            line = self._line(number, raw)
            if line is not None:
                chunk.append(line)
            if len(chunk) >= self.chunk_lines:
                self._load(chunk)
                chunk = []
        if chunk:
            self._load(chunk)
        return self.report

    def _reject(self, number: int, reason: LazyText) -> None:
        self.report.errors.append(RowError(number, reason))
        if self.progress:
            self.progress(1)

    def _line(self, number: int, raw: Any) -> _Line | None:
        if isinstance(raw, RowRejected):
            self._reject(number, raw.reason)
            return None
        if not isinstance(raw, dict):
            self._reject(number, lazy_text("imports.health.line_not_object"))
            return None
        raw = dict(raw)
        national_id, facility_code = raw.pop("national_id", None), raw.pop("facility_code", None)
        if not isinstance(national_id, str) or len(national_id) != 12 or not national_id.isdigit():
            self._reject(number, lazy_text("imports.health.national_id_digits"))
        elif facility_code not in self.facilities:
            self._reject(number, lazy_text("imports.health.facility_unknown", code=repr(facility_code)))
        else:
            return _Line(number, national_id, facility_code, raw)
        return None

    def _residents(self, chunk: list[_Line]) -> dict[str, tuple[int, date]]:
        numbers = sorted({line.national_id for line in chunk})
        rows = self.session.execute(select(Resident.national_id, Resident.id, Resident.date_of_birth)
                                    .where(Resident.national_id.in_(numbers)))
        return {number: (rid, born) for number, rid, born in rows}

    def _load(self, chunk: list[_Line]) -> None:
        now, times = clock.now(), self.report.seconds_by_step
        with times.step("lookup"):
            residents = self._residents(chunk)
        parsed: list[tuple[_Line, int, date, CleanBatch]] = []
        with times.step("validate"):
            for line in chunk:
                if line.national_id not in residents:
                    self._reject(line.number, lazy_text("imports.health.not_in_registry"))
                    continue
                resident_id, born = residents[line.national_id]
                try:
                    parsed.append((line, resident_id, born, parse_batch(line.raw, Context(now=now, born=born))))
                except ValidationFailed as error:
                    self._reject(line.number, _reason(error))
                except MALFORMED_LINE as error:  # a value of the wrong shape the rules did not expect
                    self._reject(line.number, lazy_text("imports.health.unreadable", kind=error.__class__.__name__))
        with times.step("lookup"):
            record_ids = records.ensure_records(self.session, [rid for _, rid, _, _ in parsed])
            heights = records.latest_heights(self.session, [record_ids[rid] for _, rid, _, batch in parsed
                                                            if _needs_stored_height(batch)])
        rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
        loaded: set[int] = set()
        for line, resident_id, born, batch in parsed:
            record_id = record_ids[resident_id]
            with times.step("validate"):
                errors = records.add_derived(batch, heights.get(record_id, []), born)
            if errors:
                self._reject(line.number, _reason(ValidationFailed("", errors=errors)))
                continue
            with times.step("rows"):
                for kind, kind_rows in records.rows_for(batch, record_id, line.facility_code, now).items():
                    rows[kind].extend(kind_rows)
            loaded.add(record_id)
            self.report.loaded += 1
            if self.progress:
                self.progress(1)
        created, skipped = records.store(self.session, rows, bulk=True, times=times)
        for kind, count in created.items():
            self.report.created[kind] += count
        self.report.skipped_duplicates += skipped
        if any(created.values()):
            with times.step("summaries"):
                summaries.refresh_all(self.session, loaded)  # once per record of the chunk
        if self.commit:
            with times.step("commit"):
                self.commit()
