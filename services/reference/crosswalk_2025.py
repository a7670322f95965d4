"""Hanoi's crosswalk from the pre-2025 wards to the 2025 units, built from `vietnamadminunits`.

The package's converter table says, per old (district, ward), either the one new unit it went
to whole, or the new units it was split between with one of them marked as the default (where
the package puts an address of that old ward when no street is known). It gives no area or
population of the part of an old ward that went to each new unit (only each new unit's whole
area and centre), so a split old ward's share is an equal split (`basis` "equal_split"): each
of its n new units gets 1/n, rounded to 6 decimals with the rounding remainder on the default
unit so that the shares of every old ward sum to exactly 1. A whole old ward has share 1
(`basis` "whole"). Equal shares overweight the small slivers some splits leave; use the share
only to re-express totals known per old ward, and `is_default` to place one person once.
"""
from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files
from typing import Any

from vietnamadminunits.database import query

from services.reference.wards_2024 import HANOI_PROVINCE_CODE, legacy_rows

HANOI_KEY = "thanhphohanoi"
SHARE_PLACES = Decimal("0.000001")

_NEW_UNITS_SQL = f"SELECT wardKey, wardCode FROM admin_units WHERE provinceCode = '{HANOI_PROVINCE_CODE}'"


def hanoi_crosswalk() -> list[dict[str, Any]]:
    """Rows {old_district_code, old_ward_code, new_unit_code, share, basis, is_default},
    ordered by old ward code then new unit code."""
    whole, split = _converter_tables()
    new_code = {row["wardKey"]: row["wardCode"] for row in query(_NEW_UNITS_SQL)}
    went_whole_to = {old_key: new_key for new_key, old_keys in whole.items() for old_key in old_keys}
    rows = []
    for old in legacy_rows():
        key = f"{old['provinceKey']}_{old['districtKey']}_{old['wardKey']}"
        if key in went_whole_to:
            pieces = [(new_code[went_whole_to[key]], Decimal(1).quantize(SHARE_PLACES), True)]
            basis = "whole"
        else:
            pieces = _equal_split([(new_code[p["newWardKey"]], p["isDefaultNewWard"]) for p in split[key]])
            basis = "equal_split"
        rows += [{"old_district_code": old["districtCode"], "old_ward_code": old["wardCode"],
                  "new_unit_code": code, "share": share, "basis": basis, "is_default": default}
                 for code, share, default in sorted(pieces)]
    return rows


def _equal_split(pieces: list[tuple[str, bool]]) -> list[tuple[str, Decimal, bool]]:
    if [default for _, default in pieces].count(True) != 1:
        raise LookupError(f"vietnamadminunits should mark one default unit of a split, not: {pieces}")
    share = (Decimal(1) / len(pieces)).quantize(SHARE_PLACES)
    remainder = Decimal(1) - share * len(pieces)
    return [(code, share + remainder if default else share, default) for code, default in pieces]


def _converter_tables() -> tuple[dict[str, list[str]], dict[str, list[dict[str, Any]]]]:
    text = files("vietnamadminunits").joinpath("data/converter_2025.json").read_text(encoding="utf-8")
    tables = json.loads(text)
    return (tables["DICT_PROVINCE_WARD_NO_DIVIDED"][HANOI_KEY],
            tables["DICT_PROVINCE_WARD_DIVIDED"][HANOI_KEY])
