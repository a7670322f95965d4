"""The one driver behind every file import: parse each row, report bad ones, load the rest."""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

BATCH_SIZE = 5_000


class RowRejected(ValueError):
    """A row that cannot be imported; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


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
        raise RowRejected(f"header lacks column(s): {', '.join(missing)}")
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
            yield line_number, RowRejected(f"not JSON: {exc.msg}")
        except RecursionError:
            yield line_number, RowRejected("nested too deeply to read")


def numbered_json_list(stream: IO[str]) -> Iterator[tuple[int, Any]]:
    """(position, item) pairs of a file holding one JSON list; positions count from 1."""
    try:
        items = json.load(stream)
    except json.JSONDecodeError as exc:
        raise RowRejected(f"not JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(items, list):
        raise RowRejected("the file must hold a JSON list")
    yield from enumerate(items, start=1)


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
        except (RowRejected, ValueError, KeyError, TypeError) as exc:
            report.errors.append(RowError(line, str(exc) or exc.__class__.__name__))
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
