"""Hanoi's wards, communes and townships before 1 July 2025, read from `vietnamadminunits`.

The package's legacy table holds the 526 commune-level units of Hanoi's 30 districts as they
stood until 30 June 2025, with their official 5-digit codes and 3-digit district codes. It
holds no start dates, so `valid_from` stays empty rather than invented.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from vietnamadminunits.database import query

HANOI_PROVINCE_CODE = "01"
VALID_TO = date(2025, 6, 30)

KINDS = {"Phường": "ward", "Xã": "commune", "Thị trấn": "township"}

_LEGACY_SQL = (
    "SELECT districtCode, wardCode, ward, wardType, provinceKey, districtKey, wardKey "
    "FROM admin_units_legacy WHERE provinceCode = '{province}' ORDER BY wardCode"
)


def legacy_rows(province_code: str = HANOI_PROVINCE_CODE) -> list[dict[str, Any]]:
    """The package's own rows (codes plus its lookup keys), ordered by ward code."""
    if not province_code.isdigit():
        raise ValueError(f"province code {province_code!r} is not numeric")
    return query(_LEGACY_SQL.format(province=province_code))


def hanoi_wards_2024() -> list[dict[str, Any]]:
    """Rows {code, name, kind: ward|commune|township, district_code, valid_from, valid_to}."""
    return [{"code": row["wardCode"], "name": row["ward"], "kind": KINDS[row["wardType"]],
             "district_code": row["districtCode"], "valid_from": None, "valid_to": VALID_TO}
            for row in legacy_rows()]
