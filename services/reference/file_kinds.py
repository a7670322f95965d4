"""Every file the app imports, as one table: kind -> how its rows are read, parsed and loaded.

`import_file` serves the CLI (report every bad row); `import_clean_file` serves the demo
seed, the tests and the benchmarks (the shipped files are clean: refuse at the first bad row).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import Agency
from services.dossiers import procedures
from services.health import facilities
from services.reference import agencies, residents, units
from services.reference.addresses import UnitCatalogue
from services.reference.file_import import (ImportReport, LoadBatch, ParseRow, RowRejected, numbered_csv_rows,
                                            numbered_json_list, run_import)
from services.signatures import catalogues
from services.messages import lazy_text


@dataclass(frozen=True)
class FileKind:
    read_rows: Callable[[IO[str]], Iterable[tuple[int, Any]]]
    parser: Callable[[Session], ParseRow]  # receives the session: rows may refer to catalogues
    load: LoadBatch


def _csv(columns: Iterable[str]) -> Callable[[IO[str]], Iterable[tuple[int, Any]]]:
    return lambda stream: numbered_csv_rows(stream, columns)


KINDS: dict[str, FileKind] = {
    "units": FileKind(_csv(units.UNIT_COLUMNS), lambda _session: units.parse_unit, units.load_units),
    "residents": FileKind(_csv(residents.RESIDENT_COLUMNS),
                          lambda session: residents.resident_parser(UnitCatalogue(session)),
                          residents.load_residents),
    "agencies": FileKind(_csv(agencies.AGENCY_COLUMNS),
                         lambda session: agencies.agency_parser(units.unit_codes(session)), agencies.load_agencies),
    "agency_successors": FileKind(_csv(agencies.SUCCESSOR_COLUMNS),
                                  lambda session: agencies.successor_parser(agencies.agency_codes(session)),
                                  agencies.load_successors),
    "facilities": FileKind(_csv(facilities.FACILITY_COLUMNS),
                           lambda session: facilities.facility_parser(units.unit_codes(session)),
                           facilities.load_facilities),
    "providers": FileKind(_csv(catalogues.PROVIDER_COLUMNS), lambda _session: catalogues.parse_provider,
                          catalogues.load_providers),
    "counters": FileKind(_csv(catalogues.COUNTER_COLUMNS),
                         lambda session: catalogues.counter_parser(catalogues.agency_codes(session),
                                                                   units.unit_codes(session)),
                         catalogues.load_counters),
    "procedures": FileKind(numbered_json_list,
                           lambda session: procedures.procedure_parser(set(session.scalars(select(Agency.code)))),
                           procedures.load_procedures),
}


def import_file(session: Session, path: str, kind: str, *,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import `path` as `kind`, reporting each bad row; RowRejected when the file as a whole is
    unreadable (a header without a required column, not a JSON list)."""
    spec = KINDS[kind]
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return run_import(session, spec.read_rows(stream), spec.parser(session), spec.load, progress=progress)


def import_clean_file(session: Session, path: str, kind: str) -> ImportReport:
    """Import `path` as `kind`; RowRejected naming the file and line of its first bad row."""
    report = import_file(session, path, kind)
    if report.errors:
        first = report.errors[0]
        raise RowRejected(lazy_text("imports.first_bad_row", file=os.path.basename(path), line=first.line,
                                     reason=first.reason))
    session.flush()
    return report
