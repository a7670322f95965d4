"""The procedure catalogue: import (`procedures import`), search and lookup."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator, SchemaError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dossiers import OnlineLevel, Procedure
from services.bulk import upsert
from services.clock import clock
from services.context import Context
from services.errors import ValidationFailed
from services.reference import fields
from services.reference.file_import import RowRejected
from services.pagination import Page, paginate

ONLINE_LEVELS = tuple(level.value for level in OnlineLevel)
MAX_PROCESSING_DAYS = 365


def fold(text: str) -> str:
    """Lower case without diacritics (đ included), single spaces: how people type a search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def _whole_number(raw: dict[str, Any], name: str, low: int, high: int) -> int:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RowRejected(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _form_schema(raw: dict[str, Any]) -> dict[str, Any]:
    schema = raw.get("form_schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise RowRejected("form_schema must be a JSON Schema of an object")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise RowRejected(f"form_schema is not a valid JSON Schema: {exc.message}") from exc
    return schema


def procedure_parser(agency_codes: set[str]) -> Callable[[Any], dict[str, Any]]:
    def parse(raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise RowRejected("each item must be a JSON object")
        text = {k: str(v).strip() for k, v in raw.items() if isinstance(v, str)}
        return {
            "code": fields.required(text, "code"),
            "name": " ".join(fields.required(text, "name").split()),
            "agency_code": fields.known(text, "agency_code", agency_codes),
            "online_level": fields.one_of(text, "online_level", ONLINE_LEVELS),
            "processing_days": _whole_number(raw, "processing_days", 1, MAX_PROCESSING_DAYS),
            "fee": _whole_number(raw, "fee", 0, 1_000_000_000),
            "form_schema": _form_schema(raw),
        }

    return parse


def load_procedures(session: Session, procedures: list[dict[str, Any]]) -> None:
    now = clock.now()
    rows = [{**p, "search_text": fold(f"{p['code']} {p['name']}"), "updated_at": now} for p in procedures]
    upsert(session, Procedure.__table__, rows, key=["code"],
           compare=["name", "agency_code", "online_level", "processing_days", "fee", "form_schema"])


def search(ctx: Context, *, q: str | None, agency_code: str | None, limit: int,
           cursor: str | None) -> Page[Procedure]:
    stmt = select(Procedure)
    if agency_code:
        stmt = stmt.where(Procedure.agency_code == agency_code)
    if q:
        escaped = fold(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Procedure.search_text.like(f"%{escaped}%", escape="\\"))
    return paginate(ctx.session, stmt, [Procedure.code], limit=limit, cursor=cursor, descending=False)


def get_procedure(session: Session, code: str) -> Procedure:
    """The procedure a dossier is filed under; an unknown code is the caller's input error."""
    procedure = session.get(Procedure, code)
    if procedure is None:
        raise ValidationFailed.on_field("procedure_code", "No such procedure in the catalogue.",
                                        "unknown_procedure")
    return procedure
