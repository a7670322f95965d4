"""A past period's denominators count each person where their address history places them then
(issue 11.3): a person who moved counts in the old unit for the old period and in the new one
after; `?units=2025` counts each person once, in their unit on 2025-07-01, or through the
crosswalk's default unit when their old ward was split."""
from datetime import date, datetime, timezone

import pytest

from services.clock import clock
from services.metrics.indicators import IndicatorQuery, compute_indicators
from services.metrics.units import CITY_CODE
from tests.metrics_support import cells

TODAY = date(2026, 1, 15)
HEADER = "national_id,full_name,date_of_birth,sex,unit_code,district_code\n"
MOVER = "001090880011,Lê Văn Minh,1990-01-01,male,{unit},{district}\n"
PEOPLE = (
    "001185880012,Lê Thị Hoa,1985-02-03,female,00166,\n"   # known only by a 2025 unit (Cầu Giấy)
    "001090880013,Phạm Văn Nam,1990-01-01,male,00007,\n"   # Cống Vị, an old ward split in two
    "001090880014,Vũ Văn Bình,1990-01-01,male,,005\n"      # known only by a 2024 district
)


@pytest.fixture
def registry(runner, tmp_path):
    """The 2025 units and crosswalk; a man of Trúc Bạch (district Ba Đình) who moved to Phường
    Cầu Giấy on 2025-10-01, and three others."""
    assert runner.invoke(args=["units", "sync"]).exit_code == 0

    def load(text: str, name: str) -> None:
        path = tmp_path / name
        path.write_text(HEADER + text, encoding="utf-8")
        result = runner.invoke(args=["registry", "import", str(path)])
        assert result.exit_code == 0, result.output

    load(MOVER.format(unit="00004", district="001") + PEOPLE, "registry.csv")
    with clock.frozen_at(datetime(2025, 10, 1, 3, tzinfo=timezone.utc)):
        load(MOVER.format(unit="00166", district=""), "moved.csv")


def _residents(db_session, period: str, level: str | None = None, units: str | None = None) -> dict:
    """unit code -> residents counted there (the ehr_share denominator), the city included."""
    found = {}
    for asked in ("city", level):
        values = compute_indicators(db_session, IndicatorQuery(period, asked, units=units), threshold=0, today=TODAY)
        found |= {code: value.denominator for code, value in cells(values, "ehr_share").items()}
    return found


def test_a_person_who_moved_counts_in_the_old_unit_for_the_old_period_and_the_new_one_after(registry, db_session):
    q3, q4 = _residents(db_session, "2025-Q3", "commune"), _residents(db_session, "2025-Q4", "commune")
    assert (q3["00004"], q3["00166"]) == (1, 1)   # the mover in Phường Ba Đình, Hoa in Cầu Giấy
    assert (q4["00004"], q4["00166"]) == (0, 2)   # the mover has joined Hoa
    for counted in (q3, q4):
        assert counted[CITY_CODE] == 4 and counted["00008"] == 1  # Nam, in the split's default unit
        assert sum(n for code, n in counted.items() if code != CITY_CODE) == 3  # Bình: the city row only
    year_2024 = _residents(db_session, "2024", "district")
    assert (year_2024["001"], year_2024["005"], year_2024[CITY_CODE]) == (2, 2, 4)  # Hoa: her old wards' district


def test_one_person_is_counted_once_in_a_past_period_re_expressed_on_the_2025_units(registry, db_session):
    counted = _residents(db_session, "2024-Q3", "commune", units="2025")
    assert counted[CITY_CODE] == 4
    assert counted["00004"] == 1   # the mover, where he lived on 2025-07-01, not where he lives now
    assert counted["00166"] == 1   # Hoa only
    assert counted["00008"] == 1 and counted["00025"] == 0  # Nam: once, in the default part of Cống Vị
    assert sum(n for code, n in counted.items() if code != CITY_CODE) == 3  # Bình: the city row only
