"""Indicators as CSV: UTF-8 with a BOM, so spreadsheet programs show Vietnamese names right."""
from __future__ import annotations

import io
from collections.abc import Iterable

from services.metrics.indicators import IndicatorValue
from services.spreadsheet_cells import csv_writer

CSV_COLUMNS = ("code", "name", "unit_code", "unit_name", "period", "numerator", "denominator",
               "value", "suppressed", "catalogue_version", "provisional")
BOM = "\ufeff"


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def indicators_csv(values: Iterable[IndicatorValue]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for value in values:
        writer.writerow([_cell(getattr(value, column)) for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")
