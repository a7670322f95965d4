"""The one driver behind every file import: parse each row, report bad ones, load the rest."""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

from services.messages import LazyText, lazy_text

BATCH_SIZE = 5_000


class RowRejected(ValueError):
    """A row (or a whole file) that cannot be imported. `reason` is a catalogue text, written in
    the operator's language where it is printed (api/cli)."""

    def __init__(self, reason: LazyText) -> None:
        super().__init__(reason.msgid)
        self.reason = reason


@dataclass(frozen=True)
class RowError:
    line: int
    reason: LazyText


@dataclass
class ImportReport:
    loaded: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


ParseRow = Callable[[dict[str, str]], dict[str, Any]]
LoadBatch = Callable[[Session, list[dict[str, Any]]], None]


def numbered_csv_rows(stream: IO[str], required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; raises RowRejected when the header lacks a required column."""
    reader = csv.DictReader(stream)
    missing = [name for name in required if name not in (reader.fieldnames or [])]
    if missing:
        raise RowRejected(lazy_text("imports.header_lacks_columns", columns=", ".join(missing)))
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def numbered_ndjson_rows(stream: IO[str]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) pairs of an NDJSON file; a bad line yields its error text."""
    for line_number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield line_number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield line_number, RowRejected(lazy_text("imports.not_json", error=exc.msg))
        except RecursionError:
            yield line_number, RowRejected(lazy_text("imports.nested_too_deeply"))


def numbered_json_list(stream: IO[str]) -> Iterator[tuple[int, Any]]:
    """(position, item) pairs of a file holding one JSON list; positions count from 1."""
    try:
        items = json.load(stream)
    except json.JSONDecodeError as exc:
        raise RowRejected(lazy_text("imports.not_json_at_line", error=exc.msg, line=exc.lineno)) from exc
    if not isinstance(items, list):
        raise RowRejected(lazy_text("imports.not_a_json_list"))
    yield from enumerate(items, start=1)


def unreadable(exc: Exception) -> LazyText:
    """The reason for a row that failed in a way no rule words: the error's own text."""
    return lazy_text("imports.row_unreadable", detail=str(exc) or exc.__class__.__name__)


def run_import(session: Session, rows: Iterable[tuple[int, dict[str, Any]]], parse: ParseRow,
               load: LoadBatch, *, progress: Callable[[int], None] | None = None,
               batch_size: int = BATCH_SIZE) -> ImportReport:
    report = ImportReport()
    batch: list[dict[str, Any]] = []
    for line, raw in rows:
        try:
            if isinstance(raw, RowRejected):
                raise raw
            batch.append(parse(raw))
        except RowRejected as exc:
            report.errors.append(RowError(line, exc.reason))
        except (ValueError, KeyError, TypeError) as exc:
            report.errors.append(RowError(line, unreadable(exc)))
        if len(batch) >= batch_size:
            load(session, batch)
            report.loaded += len(batch)
            batch = []
        if progress:
            progress(1)
    if batch:
        load(session, batch)
        report.loaded += len(batch)
    return report
