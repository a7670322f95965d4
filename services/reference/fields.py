"""Parsing single CSV cells, each failure worded for the operator."""
from __future__ import annotations

from datetime import date

from services.messages import lazy_text
from services.reference.file_import import RowRejected


def required(row: dict[str, str], name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise RowRejected(lazy_text("imports.field.empty", name=name))
    return value


def iso_date(row: dict[str, str], name: str, *, optional: bool = False) -> date | None:
    value = row.get(name, "")
    if not value and optional:
        return None
    try:
        return date.fromisoformat(required(row, name))
    except ValueError as exc:
        raise RowRejected(lazy_text("imports.field.not_a_date", name=name, value=value)) from exc


def one_of(row: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = required(row, name)
    if value not in allowed:
        raise RowRejected(lazy_text("imports.field.not_one_of", name=name, value=value, allowed=", ".join(allowed)))
    return value


def known(row: dict[str, str], name: str, catalogue: set[str], *, optional: bool = False) -> str | None:
    value = row.get(name, "")
    if not value and optional:
        return None
    if required(row, name) not in catalogue:
        raise RowRejected(lazy_text("imports.field.not_in_catalogue", name=name, value=value))
    return value
