"""The committed CSV tables of Hanoi's pre-2025 wards and of the 2025 crosswalk.

Both are produced from the pinned packages by `write_hanoi_tables`; a unit test regenerates them
and compares, so the files cannot drift from the packages. To refresh after a package bump:
    python -c "from services.reference.unit_tables import write_hanoi_tables; write_hanoi_tables()"
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.spreadsheet_cells import csv_writer


DATA = Path(__file__).resolve().parents[2] / "data"
WARDS_2024_FILE = "units_hanoi_2024_wards.csv"
CROSSWALK_FILE = "unit_crosswalk_hanoi_2025.csv"
WARD_COLUMNS = ("code", "name", "kind", "district_code", "valid_from", "valid_to")
CROSSWALK_COLUMNS = ("old_district_code", "old_ward_code", "new_unit_code", "share", "basis", "is_default")


def write_hanoi_tables(directory: Path = DATA) -> None:
    # Imported here: vietnamadminunits takes over a second to import (it loads its address parser),
    # and reading the committed files (the converter at run time) must not pay for it.
    from services.reference.crosswalk_2025 import hanoi_crosswalk
    from services.reference.wards_2024 import hanoi_wards_2024

    write_rows(directory / WARDS_2024_FILE, WARD_COLUMNS, hanoi_wards_2024())
    write_rows(directory / CROSSWALK_FILE, CROSSWALK_COLUMNS, hanoi_crosswalk())


def write_rows(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv_writer(stream, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(row[column]) for column in columns] for row in rows)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def read_crosswalk(path: Path = DATA / CROSSWALK_FILE) -> list[dict[str, Any]]:
    """The committed crosswalk with `share` as Decimal and `is_default` as bool."""
    return [{**row, "share": Decimal(row["share"]), "is_default": row["is_default"] == "true"}
            for row in read_rows(path)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
