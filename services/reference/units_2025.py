"""Hanoi from 1 July 2025: the city and its 126 wards and communes, read from `vietnam-provinces`.

The package (2025.8.1 and 2025.10.1 alike) gives 29 of Hanoi's 126 units a code that is not
the one in Decision 19/2025/QĐ-TTg, e.g. Phường Cầu Giấy as 00167 instead of 00166. The
decision's codes are the ones `vietnamadminunits` 1.0.4 holds (and the GSO-based
vietnamese-provinces-database), so `CODE_ERRATA` corrects them by name, as one table.
A unit the package already codes right passes unchanged; a code that is neither the packaged
nor the official one stops the load, because then the package changed under the table.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from services.messages import lazy_text
from services.reference.file_import import RowRejected

HANOI_CODE = "01"
VALID_FROM = date(2025, 7, 1)

KINDS = {
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: "city",
    VietNamDivisionType.PHUONG: "ward",
    VietNamDivisionType.XA: "commune",
}

# name: (code in vietnam-provinces 2025.10.1, code in Decision 19/2025/QĐ-TTg)
CODE_ERRATA: dict[str, tuple[str, str]] = {
    "Phường Cửa Nam": ("00073", "00082"),
    "Phường Bồ Đề": ("00130", "00118"),
    "Phường Long Biên": ("00148", "00145"),
    "Phường Cầu Giấy": ("00167", "00166"),
    "Phường Láng": ("00187", "00199"),
    "Phường Văn Miếu - Quốc Tử Giám": ("00196", "00226"),
    "Phường Kim Liên": ("00226", "00229"),
    "Phường Bạch Mai": ("00277", "00292"),
    "Phường Vĩnh Hưng": ("00304", "00301"),
    "Phường Tương Mai": ("00313", "00322"),
    "Phường Hoàng Mai": ("00319", "00331"),
    "Phường Yên Sở": ("00331", "00340"),
    "Xã Đa Phúc": ("00424", "00430"),
    "Xã Thư Lâm": ("00484", "00475"),
    "Xã Bát Tràng": ("00583", "00577"),
    "Phường Thanh Liệt": ("00646", "00643"),
    "Xã Yên Xuân": ("04936", "04930"),
    "Xã Liên Minh": ("09793", "09787"),
    "Xã Dương Hòa": ("09838", "09856"),
    "Xã Sơn Đồng": ("09859", "09871"),
    "Xã Kiều Phú": ("09928", "09910"),
    "Xã Phú Cát": ("09922", "09952"),
    "Xã Hạ Bằng": ("10009", "09982"),
    "Xã Tây Phương": ("10006", "10003"),
    "Xã Xuân Mai": ("10018", "10045"),
    "Xã Quảng Bị": ("10084", "10072"),
    "Xã Hòa Phú": ("10108", "10096"),
    "Xã Bình Minh": ("10141", "10126"),
    "Xã Đại Xuyên": ("10333", "10342"),
}


def hanoi_units_2025() -> list[dict[str, Any]]:
    """The city (code "01") first, then its 126 wards and communes by code."""
    city = Province.from_code(ProvinceCode.P_01)
    wards = [_unit(official_code(ward), ward.name, ward.division_type)
             for ward in Ward.iter_by_province(ProvinceCode.P_01)]
    return [_unit(HANOI_CODE, city.name, city.division_type)] + sorted(wards, key=lambda u: u["code"])


def official_code(ward: Ward) -> str:
    """The ward's code as Decision 19/2025/QĐ-TTg has it (5 digits)."""
    packaged = f"{ward.code:05d}"
    wrong, right = CODE_ERRATA.get(ward.name, (packaged, packaged))
    if packaged not in (wrong, right):
        raise LookupError(f"vietnam-provinces now codes {ward.name} as {packaged}; "
                          f"CODE_ERRATA expects {wrong} (or the official {right}): re-check the table")
    return right


def _unit(code: str, name: str, division_type: VietNamDivisionType) -> dict[str, Any]:
    return {"code": code, "name": name, "kind": KINDS[division_type],
            "valid_from": VALID_FROM, "valid_to": None}


def units_2025_from_file(path: Path) -> list[dict[str, Any]]:
    """The city's units as a CSV `code,name,kind` lists them (`kind` city, ward, commune or
    township), for a change published before the package has it; same shape as
    `hanoi_units_2025`. A row without all three, or of another kind, stops the load."""
    kinds = ("city", *(kind for kind in KINDS.values() if kind != "city"), "township")
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    units = []
    for line, row in enumerate(rows, start=2):
        code, name, kind = ((row.get(column) or "").strip() for column in ("code", "name", "kind"))
        if not (code and name) or kind not in kinds:
            raise RowRejected(lazy_text("units.sync.file_row", path=str(path), line=line, kinds=", ".join(kinds)))
        units.append({"code": code, "name": name, "kind": kind, "valid_from": VALID_FROM, "valid_to": None})
    return sorted(units, key=lambda unit: (unit["code"] != HANOI_CODE, unit["code"]))
