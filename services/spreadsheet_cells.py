"""CSV cells a spreadsheet will not run as a formula (CWE-1236, OWASP "CSV injection").

Every CSV writer of the project writes its rows through `csv_writer`: a text cell that
starts with `=`, `+`, `-`, `@` (or a tab or carriage return, which some programs skip
before reading a formula) gets a leading `'`, so it shows as text. Numbers are left as
they are (a negative number is not a formula).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every row goes through `neutralised`."""

    def __init__(self, stream: TextIO, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralised(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(stream, **options)
