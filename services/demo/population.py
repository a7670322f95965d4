"""Deterministic residents with Vietnamese names and ID numbers that match birth date and sex."""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from services.identity.national_id import expected_digits
from services.reference.unit_tables import read_crosswalk
from services.reference.ward_conversion import by_old_ward

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = {"male": ["Văn", "Minh", "Đức", "Quốc", "Hữu", "Thanh", "Công"],
          "female": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hải"]}
GIVEN = {"male": ["An", "Bình", "Cường", "Dũng", "Hùng", "Khoa", "Long", "Nam", "Phong", "Quang",
                  "Sơn", "Tuấn", "Việt", "Thắng", "Đạt"],
         "female": ["Anh", "Chi", "Dung", "Giang", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai",
                    "Ngọc", "Phương", "Thảo", "Trang", "Yến"]}
BIRTH_PROVINCES = ["001"] * 7 + ["036", "034", "038", "040", "030", "033"]


def national_id_for(born: date, sex: str, tail: int, province: str = "001") -> str:
    male_digit, female_digit = expected_digits(born)
    century_sex = male_digit if sex == "male" else female_digit
    return f"{province}{century_sex}{born.year % 100:02d}{tail:06d}"


def generate_residents(count: int, district_codes: Sequence[str], *, seed: int = 2024,
                       first_tail: int = 100_000) -> Iterator[dict]:
    """`count` residents; the last six digits run from `first_tail`, so numbers never repeat."""
    rng = random.Random(seed)
    start, span = date(1940, 1, 1), (date(2023, 12, 31) - date(1940, 1, 1)).days
    for index in range(count):
        sex = rng.choice(("male", "female"))
        born = start + timedelta(days=rng.randrange(span))
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        yield {"national_id": national_id_for(born, sex, (first_tail + index) % 1_000_000,
                                              rng.choice(BIRTH_PROVINCES)),
               "full_name": name, "date_of_birth": born, "sex": sex,
               "district_code": rng.choice(district_codes), "guardian_national_id": None}


def settle_in_hanoi(residents: Iterable[dict], *, seed: int = 2025) -> Iterator[dict]:
    """Give each resident (placed in a 2024 district) a pre-2025 ward of that district and the
    2025 unit the address went to: the crosswalk's unit when the ward went whole, and for a split
    ward one of its units drawn by the crosswalk's shares (a street address would place a person
    in any piece), so the population covers all 126 units, not only the 125 defaults. The 2024
    district stays, so the 2024 history still shows per district."""
    rng = random.Random(seed)
    crosswalk = by_old_ward(read_crosswalk())
    wards_of: dict[str, list[str]] = {}
    for ward, pieces in crosswalk.items():
        wards_of.setdefault(pieces[0]["old_district_code"], []).append(ward)
    for resident in residents:
        wards = wards_of.get(resident["district_code"])
        if not wards:
            yield resident
            continue
        ward = rng.choice(wards)
        pieces = crosswalk[ward]
        unit = rng.choices([p["new_unit_code"] for p in pieces], weights=[float(p["share"]) for p in pieces])[0]
        yield {**resident, "old_ward_code": ward, "unit_code": unit}
