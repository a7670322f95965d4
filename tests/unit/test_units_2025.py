"""Hanoi's 2025 units as the app loads them: checked against Decision 19/2025/QĐ-TTg's facts
and against the second package, vietnamadminunits."""
from collections import Counter
from datetime import date

import pytest
from vietnam_provinces import Ward
from vietnamadminunits.database import query

from services.reference.units_2025 import CODE_ERRATA, hanoi_units_2025

KINDS = {"Phường": "ward", "Xã": "commune"}


@pytest.fixture(scope="module")
def units():
    return hanoi_units_2025()


def test_the_city_and_its_126_wards_and_communes(units):
    city, *communal = units
    assert (city["code"], city["name"], city["kind"]) == ("01", "Thành phố Hà Nội", "city")
    assert len(communal) == 126
    assert Counter(unit["kind"] for unit in communal) == {"commune": 75, "ward": 51}
    assert len({unit["code"] for unit in units}) == 127


def test_every_unit_is_valid_from_the_reform_with_no_end(units):
    assert {(unit["valid_from"], unit["valid_to"]) for unit in units} == {(date(2025, 7, 1), None)}


@pytest.mark.parametrize("code, name", [
    ("00070", "Phường Hoàn Kiếm"),
    ("00004", "Phường Ba Đình"),
    ("00166", "Phường Cầu Giấy"),
    ("00082", "Phường Cửa Nam"),
    ("00226", "Phường Văn Miếu - Quốc Tử Giám"),
    ("00331", "Phường Hoàng Mai"),
    ("10489", "Xã Hương Sơn"),
])
def test_official_codes_carry_their_names(units, code, name):
    assert {unit["code"]: unit["name"] for unit in units}[code] == name


def test_codes_are_five_digits_in_order(units):
    codes = [unit["code"] for unit in units[1:]]
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    assert codes == sorted(codes)


def test_same_list_as_vietnamadminunits_code_name_and_kind(units):
    other = query("SELECT wardCode, ward, wardType FROM admin_units WHERE provinceCode = '01'")
    assert {(row["wardCode"], row["ward"], KINDS[row["wardType"]]) for row in other} == \
        {(unit["code"], unit["name"], unit["kind"]) for unit in units[1:]}


def test_vietnam_provinces_still_has_the_wrong_codes_the_errata_corrects():
    # vietnam-provinces 2025.10.1 codes e.g. Phường Cầu Giấy as 00167 (old Dịch Vọng Hậu's code),
    # where Decision 19/2025/QĐ-TTg has 00166. If this fails, the package was fixed: empty CODE_ERRATA.
    assert Ward.from_code(167).name == "Phường Cầu Giấy"
    assert len(CODE_ERRATA) == 29
    for name, (packaged, official) in CODE_ERRATA.items():
        assert Ward.from_code(int(packaged)).name == name
        assert packaged != official


def test_loading_is_deterministic(units):
    assert hanoi_units_2025() == units
