"""Converting a pre-2025 Hanoi ward code to the 2025 unit(s) it went to, by the crosswalk.

A pre-2025 ward code is a different unit from a 2025 unit with the same digits (every one of the
126 2025 codes was an old ward's code, e.g. 00004 was Phường Trúc Bạch and is Phường Ba Đình),
so callers pass only codes they know to be pre-2025.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from services.errors import ValidationFailed
from services.reference.unit_tables import read_crosswalk


class UnknownUnitCode(ValidationFailed):
    """A unit code the catalogue does not hold; `errors` names the field (422 with its code)."""

    default_code = "unknown_unit_code"


def successors(ward_code: str, district_code: str | None = None, *,
               crosswalk: Mapping[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """The crosswalk rows of one old ward: {old_district_code, old_ward_code, new_unit_code,
    share, basis, is_default}, by new unit code. Codes may come without their leading zeros
    (as spreadsheets drop them). `crosswalk` (from `by_old_ward`) defaults to the committed
    data/unit_crosswalk_hanoi_2025.csv. Unknown ward, or a ward not in the given district: UnknownUnitCode.
    """
    ward = _padded(ward_code, 5, "ward_code")
    rows = (_committed() if crosswalk is None else crosswalk).get(ward, [])
    if not rows:
        raise _unknown("ward_code", f"{ward_code!r} is not a Hanoi ward or commune code before 2025-07-01")
    if district_code is not None and _padded(district_code, 3, "district_code") != rows[0]["old_district_code"]:
        raise _unknown("district_code", f"ward {ward} was in district {rows[0]['old_district_code']}, "
                                        f"not {district_code!r}")
    return [dict(row) for row in rows]


def default_successor(ward_code: str, district_code: str | None = None, *,
                      crosswalk: Mapping[str, list[dict[str, Any]]] | None = None) -> str:
    """The one 2025 unit a person of that old ward is placed in when no street is known."""
    rows = successors(ward_code, district_code, crosswalk=crosswalk)
    return next(row["new_unit_code"] for row in rows if row["is_default"])


def by_old_ward(crosswalk: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Crosswalk rows indexed by old ward code, in their order."""
    index: dict[str, list[dict[str, Any]]] = {}
    for row in crosswalk:
        index.setdefault(row["old_ward_code"], []).append(row)
    return index


@cache
def _committed() -> dict[str, list[dict[str, Any]]]:
    return by_old_ward(read_crosswalk())


def _padded(code: str, width: int, field: str) -> str:
    text = str(code).strip()
    if not text.isdigit() or not text.isascii() or len(text) > width:
        raise _unknown(field, f"{code!r} is not a {width}-digit code")
    return text.zfill(width)


def _unknown(field: str, message: str) -> UnknownUnitCode:
    return UnknownUnitCode(message, errors={field: [message]})
