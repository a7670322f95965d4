"""Keyset pagination with an opaque cursor: stable pages even while rows are added."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Sequence, TypeVar

from sqlalchemy import Select, literal, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.errors import ValidationFailed
from services.messages import lazy_text

T = TypeVar("T")
# Integer keys are 64-bit signed on every backend: a larger number in a cursor was not given out.
INTEGER_KEY_RANGE = range(-(2**63), 2**63)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, (date, datetime)) else (v if isinstance(v, (int, str)) else str(v))
             for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, columns: Sequence[InstrumentedAttribute]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError("wrong length")
        return [_coerce(value, column) for value, column in zip(raw, columns)]
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        raise ValidationFailed.on_field("cursor", lazy_text("pagination.cursor_list_gave_out"), "invalid_cursor") from exc


def _coerce(value: Any, column: InstrumentedAttribute) -> Any:
    column_type = column.type
    python_type = getattr(column_type, "impl_instance", column_type).python_type
    if python_type in (datetime, date):
        moment = python_type.fromisoformat(value)
        if python_type is datetime and moment.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return moment
    coerced = python_type(value)
    if python_type is int and coerced not in INTEGER_KEY_RANGE:
        raise ValueError("integer key out of range")
    return coerced


def paginate(
    session: Session,
    stmt: Select,
    order_by: Sequence[InstrumentedAttribute],
    *,
    limit: int,
    cursor: str | None,
    descending: bool = True,
) -> Page:
    """Rows of `stmt` ordered by the unique key `order_by` (newest first by default)."""
    if cursor:
        after = _decode(cursor, order_by)
        key = tuple_(*order_by)
        bound = tuple_(*(literal(v, type_=c.type) for v, c in zip(after, order_by)))
        stmt = stmt.where(key < bound if descending else key > bound)
    ordering = [c.desc() if descending else c.asc() for c in order_by]
    rows = list(session.scalars(stmt.order_by(*ordering).limit(limit + 1)))
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    return Page(rows, _encode([getattr(last, c.key) for c in order_by]))
