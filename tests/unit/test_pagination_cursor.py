"""Cursors round-trip every key type a list is ordered by."""
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Date, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.types import BigIntPK, UTCDateTime
from services.errors import ValidationFailed
from services.pagination import _decode, _encode


class ProbeBase(DeclarativeBase):
    """Separate from the app's metadata: this table is never migrated."""


class CursorProbe(ProbeBase):
    __tablename__ = "cursor_probe"
    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    token: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(10))



def test_cursor_round_trips_dates_datetimes_uuids_and_ints():
    values = [date(2026, 11, 22), datetime(2026, 11, 22, 1, 2, 3, 456, tzinfo=timezone.utc), uuid.uuid4(), 42, "x"]
    columns = [CursorProbe.day, CursorProbe.at, CursorProbe.token, CursorProbe.id, CursorProbe.name]
    assert _decode(_encode(values), columns) == values


def test_a_foreign_cursor_is_422():
    with pytest.raises(ValidationFailed):
        _decode("bm90LWEtY3Vyc29y", [CursorProbe.day, CursorProbe.id])


def _forged(values) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [
    ["2026-11-22T01:02:03+00:00", 10**30],  # an id no 64-bit key holds
    ["2026-11-22T01:02:03+00:00", -(10**30)],
    ["2026-11-22T01:02:03+00:00", 1e400],  # JSON's Infinity after parsing
    ["2026-11-22T01:02:03", 42],  # a naive time
    ["2026-11-22T01:02:03+00:00", "9" * 5000],
])
def test_a_forged_cursor_with_a_huge_number_or_a_naive_time_is_invalid_cursor(values):
    with pytest.raises(ValidationFailed) as caught:
        _decode(_forged(values), [CursorProbe.at, CursorProbe.id])
    assert caught.value.code == "invalid_cursor"


@pytest.mark.parametrize("token", [10**30, 1e400, ["x"]])
def test_a_forged_cursor_with_a_number_where_a_uuid_belongs_is_invalid_cursor(token):
    with pytest.raises(ValidationFailed) as caught:
        _decode(_forged(["2026-11-22T01:02:03+00:00", token]), [CursorProbe.at, CursorProbe.token])
    assert caught.value.code == "invalid_cursor"


def test_a_deeply_nested_cursor_is_invalid_cursor():
    import base64

    cursor = base64.urlsafe_b64encode(b"[" * 100_000 + b"]" * 100_000).decode()
    with pytest.raises(ValidationFailed) as caught:
        _decode(cursor, [CursorProbe.at, CursorProbe.id])
    assert caught.value.code == "invalid_cursor"
