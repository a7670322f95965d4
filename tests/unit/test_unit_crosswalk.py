"""Hanoi's pre-2025 wards and the crosswalk to the 2025 units: the committed data matches the
pinned packages, and converting an old ward code gives the units a user would expect."""
import csv
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.reference import unit_tables
from services.reference.crosswalk_2025 import hanoi_crosswalk
from services.reference.units_2025 import hanoi_units_2025
from services.reference.wards_2024 import hanoi_wards_2024
from services.reference.ward_conversion import UnknownUnitCode, by_old_ward, default_successor, successors

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def wards():
    return hanoi_wards_2024()


@pytest.fixture(scope="module")
def crosswalk():
    return unit_tables.read_crosswalk()


def test_526_old_wards_under_the_30_districts_of_units_2024(wards):
    with open(DATA / "units_2024.csv", encoding="utf-8") as stream:
        districts = {row["code"] for row in csv.DictReader(stream)}
    assert len(wards) == 526
    assert {ward["district_code"] for ward in wards} == districts
    assert Counter(ward["kind"] for ward in wards) == {"commune": 345, "ward": 160, "township": 21}
    assert {(ward["valid_from"], ward["valid_to"]) for ward in wards} == {(None, date(2025, 6, 30))}


def test_every_2025_code_reuses_an_old_ward_code(wards):
    old = {ward["code"]: ward["name"] for ward in wards}
    new = {unit["code"]: unit["name"] for unit in hanoi_units_2025()[1:]}
    assert len(new.keys() & old.keys()) == 126
    assert (old["00004"], new["00004"]) == ("Phường Trúc Bạch", "Phường Ba Đình")
    assert sum(new[code] == old[code] for code in new) == 23  # the rest kept a code, not the name
    # Decision 19/2025 gives a new unit the code of one of the old wards it took in:
    for code in new:
        assert code in {row["new_unit_code"] for row in successors(code)}, code


def test_every_old_ward_has_shares_summing_to_exactly_one(crosswalk, wards):
    shares = defaultdict(Decimal)
    defaults = Counter()
    for row in crosswalk:
        shares[row["old_ward_code"]] += row["share"]
        defaults[row["old_ward_code"]] += row["is_default"]
    assert set(shares) == {ward["code"] for ward in wards}
    assert set(shares.values()) == {Decimal(1)}
    assert set(defaults.values()) == {1}


def test_the_crosswalk_reaches_exactly_the_126_units(crosswalk):
    assert {row["new_unit_code"] for row in crosswalk} == {unit["code"] for unit in hanoi_units_2025()[1:]}


def test_split_and_whole_old_wards_are_both_counted(crosswalk):
    pieces = Counter(row["old_ward_code"] for row in crosswalk)
    assert Counter(pieces.values()) == {1: 327, 2: 147, 3: 36, 4: 15, 5: 1}
    assert {row["basis"] for row in crosswalk if pieces[row["old_ward_code"]] > 1} == {"equal_split"}
    assert {row["basis"] for row in crosswalk if pieces[row["old_ward_code"]] == 1} == {"whole"}


def test_old_dich_vong_is_split_between_cau_giay_and_nghia_do():
    rows = successors("00166", "005")
    assert [(r["new_unit_code"], r["share"], r["is_default"]) for r in rows] == [
        ("00160", Decimal("0.5"), False), ("00166", Decimal("0.5"), True)]
    assert default_successor("00166") == "00166"


def test_a_three_way_split_puts_the_rounding_on_the_default_unit():
    rows = next(successors(code) for code in _codes_split(3))
    assert sum(r["share"] for r in rows) == 1
    assert sorted(r["share"] for r in rows) == [Decimal("0.333333"), Decimal("0.333333"), Decimal("0.333334")]
    assert next(r for r in rows if r["is_default"])["share"] == Decimal("0.333334")


def test_an_old_ward_that_went_whole_has_one_successor():
    assert [(r["new_unit_code"], r["share"], r["basis"]) for r in successors("00004")] == [
        ("00004", Decimal(1), "whole")]


def test_codes_without_leading_zeros_are_read_as_spreadsheets_drop_them():
    assert successors("166", "5") == successors("00166", "005")


@pytest.mark.parametrize("ward, district, field", [
    ("99999", None, "ward_code"),
    ("0016a", None, "ward_code"),
    ("001660", None, "ward_code"),
    ("", None, "ward_code"),
    ("00166", "001", "district_code"),
    ("00166", "x", "district_code"),
])
def test_an_unknown_code_is_a_domain_error_naming_the_field(ward, district, field):
    with pytest.raises(UnknownUnitCode) as caught:
        successors(ward, district)
    assert caught.value.code == "unknown_unit_code"
    assert list(caught.value.errors) == [field]


def test_committed_files_are_what_the_pinned_packages_give(tmp_path):
    unit_tables.write_hanoi_tables(tmp_path)
    for name in (unit_tables.WARDS_2024_FILE, unit_tables.CROSSWALK_FILE):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA / name).read_text(encoding="utf-8"), name


def test_committed_crosswalk_reads_back_as_the_built_rows(crosswalk):
    assert crosswalk == hanoi_crosswalk()


def _codes_split(ways):
    pieces = Counter(row["old_ward_code"] for row in unit_tables.read_crosswalk())
    return [code for code, count in sorted(pieces.items()) if count == ways]


def test_a_given_crosswalk_converts_like_the_committed_one():
    built = by_old_ward(hanoi_crosswalk())
    assert successors("00019", "001", crosswalk=built) == successors("00019", "001")
    assert default_successor("00019", crosswalk=built) == default_successor("00019")


def test_converting_does_not_load_the_slow_conversion_package():
    # vietnamadminunits takes over a second to import; the converter reads only the committed CSV.
    check = "import sys, services.reference.ward_conversion as c; c.successors('1'); " \
            "sys.exit('vietnamadminunits' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], cwd=DATA.parent).returncode == 0
