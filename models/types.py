"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, Enum, Integer
from sqlalchemy.types import TypeDecorator
from uuid6 import uuid7

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def new_public_id() -> uuid.UUID:
    """The id a citizen-facing object shows outside: time-ordered (UUIDv7, so the unique index
    stays compact) and not guessable (74 random bits); integer keys stay internal."""
    return uuid.UUID(int=uuid7().int)


# The largest row id (and bigint) either database stores; a larger number overflows the driver.
BIGINT_MAX = 2**63 - 1


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always gives back an aware UTC datetime (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum: type[StrEnum], length: int) -> Enum:
    """A StrEnum stored as its plain value in a VARCHAR(length): the same strings as before."""
    return Enum(enum, native_enum=False, length=length, create_constraint=False,
                values_callable=lambda members: [m.value for m in members])
