"""The procedure catalogue: import (`procedures import`), search and lookup."""
from __future__ import annotations

import re
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
from services.documents.inspection import EXTENSION_OF_TYPE
from services.dossiers import prefill
from services.errors import NotFound, ValidationFailed
from services.reference import fields
from services.reference.file_import import RowRejected
from services.pagination import Page, paginate
from services.messages import lazy_text

ONLINE_LEVELS = tuple(level.value for level in OnlineLevel)
MAX_PROCESSING_DAYS = 365
MAX_COMPONENTS = 50
MAX_COMPONENT_BYTES = 1024 * 1024 * 1024
DOCUMENT_TYPES = tuple(EXTENSION_OF_TYPE)
_COMPONENT_CODE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
# The component the owner's signed application is kept under (services/dossiers/application.py).
APPLICATION_COMPONENT = "signed_application"


def fold(text: str) -> str:
    """Lower case without diacritics (đ included), single spaces: how people type a search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def _whole_number(raw: dict[str, Any], name: str, low: int, high: int) -> int:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RowRejected(lazy_text("imports.procedure.whole_number", name=name, low=low, high=high, value=repr(value)))
    return value


def _form_schema(raw: dict[str, Any]) -> dict[str, Any]:
    schema = raw.get("form_schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise RowRejected(lazy_text("imports.procedure.schema_not_object"))
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise RowRejected(lazy_text("imports.procedure.schema_invalid", error=exc.message)) from exc
    try:
        prefill.marks(schema)
    except prefill.UnknownSource as exc:
        raise RowRejected(lazy_text("imports.procedure.prefill_source", field=exc.field, keyword=prefill.KEYWORD,
                                    allowed=", ".join(prefill.SOURCES), value=repr(exc.source))) from exc
    return schema


def _component(raw: Any, seen: set[str]) -> dict[str, Any]:
    """One document a dossier hands in: {code, name, required, types, max_bytes, copies}."""
    if not isinstance(raw, dict):
        raise RowRejected(lazy_text("imports.procedure.component_not_object"))
    code, name = str(raw.get("code") or "").strip(), " ".join(str(raw.get("name") or "").split())
    if not _COMPONENT_CODE.match(code) or code in seen:
        raise RowRejected(lazy_text("imports.procedure.component_code", code=repr(code)))
    if code == APPLICATION_COMPONENT:
        raise RowRejected(lazy_text("imports.procedure.component_reserved", code=code))
    if not name:
        raise RowRejected(lazy_text("imports.procedure.component_name", code=code))
    types = raw.get("types", list(DOCUMENT_TYPES))
    if not isinstance(types, list) or not types or not set(types) <= set(DOCUMENT_TYPES):
        raise RowRejected(lazy_text("imports.procedure.component_types", code=code, types=", ".join(DOCUMENT_TYPES)))
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise RowRejected(lazy_text("imports.procedure.component_required", code=code))
    seen.add(code)
    return {"code": code, "name": name, "required": required, "types": sorted(set(types)),
            "max_bytes": _whole_number(raw, "max_bytes", 1024, MAX_COMPONENT_BYTES) if "max_bytes" in raw else None,
            "copies": _whole_number({"copies": 1, **raw}, "copies", 1, 10)}


def _components(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The procedure's components; a file from before components existed has none."""
    items = raw.get("components", [])
    if not isinstance(items, list) or len(items) > MAX_COMPONENTS:
        raise RowRejected(lazy_text("imports.procedure.components_list", most=MAX_COMPONENTS))
    seen: set[str] = set()
    return [_component(item, seen) for item in items]


def _flag(raw: dict[str, Any], name: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise RowRejected(lazy_text("imports.procedure.flag", name=name, value=repr(value)))
    return value


def _online_fee(raw: dict[str, Any]) -> int | None:
    """The lower fee online, at most the fee; a file without it: online pays the fee."""
    if raw.get("online_fee_vnd") is None:
        return None
    online = _whole_number(raw, "online_fee_vnd", 0, 1_000_000_000)
    if isinstance(raw.get("fee"), int) and online > raw["fee"]:
        raise RowRejected(lazy_text("imports.procedure.online_fee", online=online, fee=raw["fee"]))
    return online


def fee_online(procedure: Procedure) -> int:
    """What a dossier filed online pays (VND)."""
    return procedure.fee if procedure.online_fee_vnd is None else procedure.online_fee_vnd


def procedure_parser(agency_codes: set[str]) -> Callable[[Any], dict[str, Any]]:
    def parse(raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise RowRejected(lazy_text("imports.item_not_object"))
        text = {k: str(v).strip() for k, v in raw.items() if isinstance(v, str)}
        return {
            "code": fields.required(text, "code"),
            "name": " ".join(fields.required(text, "name").split()),
            "agency_code": fields.known(text, "agency_code", agency_codes),
            "online_level": fields.one_of(text, "online_level", ONLINE_LEVELS),
            "processing_days": _whole_number(raw, "processing_days", 1, MAX_PROCESSING_DAYS),
            "fee": _whole_number(raw, "fee", 0, 1_000_000_000),
            "online_fee_vnd": _online_fee(raw),
            "form_schema": _form_schema(raw),
            "components": _components(raw),
            "yields_result": _flag(raw, "yields_result"),
            "requires_signed_application": _flag(raw, "requires_signed_application"),
        }

    return parse


def load_procedures(session: Session, procedures: list[dict[str, Any]]) -> None:
    now = clock.now()
    rows = [{**p, "search_text": fold(f"{p['code']} {p['name']}"), "updated_at": now} for p in procedures]
    upsert(session, Procedure.__table__, rows, key=["code"],
           compare=["name", "agency_code", "online_level", "processing_days", "fee", "online_fee_vnd",
                    "form_schema", "components", "yields_result", "requires_signed_application"])


def search(ctx: Context, *, q: str | None, agency_code: str | None, limit: int,
           cursor: str | None) -> Page[Procedure]:
    stmt = select(Procedure)
    if agency_code:
        stmt = stmt.where(Procedure.agency_code == agency_code)
    if q:
        escaped = fold(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Procedure.search_text.like(f"%{escaped}%", escape="\\"))
    return paginate(ctx.session, stmt, [Procedure.code], limit=limit, cursor=cursor, descending=False)


def procedure_by_code(ctx: Context, code: str) -> Procedure:
    """One procedure of the catalogue, with its components (GET /procedures/{code})."""
    procedure = ctx.session.get(Procedure, code)
    if procedure is None:
        raise NotFound(lazy_text("dossiers.procedures.no_such_procedure_catalogue"), code="procedure_not_found")
    return procedure


def get_procedure(session: Session, code: str) -> Procedure:
    """The procedure a dossier is filed under; an unknown code is the caller's input error."""
    procedure = session.get(Procedure, code)
    if procedure is None:
        raise ValidationFailed.on_field("procedure_code", lazy_text("dossiers.procedures.no_such_procedure_catalogue"),
                                        "unknown_procedure")
    return procedure
