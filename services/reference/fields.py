"""Parsing single CSV cells, each failure worded for the operator."""
from __future__ import annotations

from datetime import date

from services.reference.file_import import RowRejected


def required(row: dict[str, str], name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise RowRejected(f"{name} is empty")
    return value


def iso_date(row: dict[str, str], name: str, *, optional: bool = False) -> date | None:
    value = row.get(name, "")
    if not value and optional:
        return None
    try:
        return date.fromisoformat(required(row, name))
    except ValueError as exc:
        raise RowRejected(f"{name} {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def one_of(row: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = required(row, name)
    if value not in allowed:
        raise RowRejected(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return value


def known(row: dict[str, str], name: str, catalogue: set[str], *, optional: bool = False) -> str | None:
    value = row.get(name, "")
    if not value and optional:
        return None
    if required(row, name) not in catalogue:
        raise RowRejected(f"{name} {value!r} is not in the catalogue")
    return value
