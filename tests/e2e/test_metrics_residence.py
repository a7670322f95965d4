"""A past period's denominators count each person where their address history places them then
(issue 11.3): a person who moved counts in the old unit for the old period and in the new one
after; `?units=2025` counts each person once, in their unit on 2025-07-01, or through the
crosswalk's default unit when their old ward was split."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models.dossiers import Dossier, Procedure
from models.reference import Resident
from services.clock import clock
from services.metrics.indicators import IndicatorQuery, compute_indicators
from services.metrics.units import CITY_CODE
from tests.metrics_support import cells, open_accounts, utc

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


# --- accounts and dossiers follow the same history (issue 11.6 / 11.3) ------------------------

HAI = "001090880021"   # Phúc Xá (district Ba Đình) until he moved to Nghĩa Đô (Cầu Giấy) on 2024-07-15
LAN = "001190880022"   # Cống Vị, an old ward split between 00008 (its default) and 00025


def _on(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), timezone.utc).replace(hour=3)  # 10:00 in Hanoi


@pytest.fixture
def moved_in_2024(runner, tmp_path, db_session):
    """Hai and Lan, registered in January 2024, their accounts opened in Ba Đình (the district copied
    onto them); Hai moves on 2024-07-15. Dossiers (copied district 001): Hai's received on 07-05,
    and one he filed on 07-12 but that was received on 07-16, after his move; Lan's on 07-05."""
    assert runner.invoke(args=["units", "sync"]).exit_code == 0

    def load(text: str, name: str, day: date) -> None:
        path = tmp_path / name
        path.write_text(HEADER + text, encoding="utf-8")
        with clock.frozen_at(_on(day)):
            result = runner.invoke(args=["registry", "import", str(path)])
        assert result.exit_code == 0, result.output

    load(f"{HAI},Trần Văn Hải,1990-01-01,male,00001,001\n{LAN},Đỗ Thị Lan,1990-01-01,female,00007,001\n",
         "2024.csv", date(2024, 1, 10))
    load(f"{HAI},Trần Văn Hải,1990-01-01,male,00160,005\n", "moved.csv", date(2024, 7, 15))
    open_accounts(db_session, [HAI, LAN], "001", utc(2024, 2, 1))
    db_session.add(Procedure(code="T-PLACE", name="T-PLACE", agency_code="000.01.01.H26", online_level="full",
                             processing_days=5, fee=0, form_schema={"type": "object"}, search_text="T-PLACE",
                             updated_at=utc(2024, 1, 1)))
    owners = dict(db_session.execute(select(Resident.national_id, Resident.id)).all())
    for n, (owner, submitted, received) in enumerate([(HAI, date(2024, 7, 5), date(2024, 7, 5)),
                                                      (HAI, date(2024, 7, 12), date(2024, 7, 16)),
                                                      (LAN, date(2024, 7, 5), date(2024, 7, 5))]):
        db_session.add(Dossier(
            code=f"T-PLACE-{n}", procedure_code="T-PLACE", agency_code="000.01.01.H26",
            owner_resident_id=owners[owner], district_code="001", channel="online", status="received", form={},
            submitted_at=_on(submitted), received_at=_on(received), due_at=_on(received) + timedelta(days=7),
            original_due_at=_on(received) + timedelta(days=7), updated_at=_on(received)))
    db_session.flush()


def _counted(db_session, period: str, level: str, units: str | None = None) -> dict[str, tuple[int, int, int]]:
    """unit code -> (residents, adult citizen accounts, dossiers received), the city included."""
    found: dict[str, tuple[int, int, int]] = {}
    for asked in ("city", level):
        values = compute_indicators(db_session, IndicatorQuery(period, asked, units=units), threshold=0, today=TODAY)
        residents, accounts = cells(values, "ehr_share"), cells(values, "eid_verified_share")
        dossiers = cells(values, "online_dossier_share")
        found |= {code: (residents[code].denominator, accounts[code].numerator, dossiers[code].denominator)
                  for code in residents}
    return found


def test_a_person_who_moved_in_2024_counts_everything_in_the_old_unit_before_and_the_new_one_after(
        moved_in_2024, db_session):
    ba_dinh, cau_giay = "001", "005"
    before = _counted(db_session, "2024-Q2", "district")
    assert (before[ba_dinh], before[cau_giay]) == ((2, 2, 0), (0, 0, 0))
    after = _counted(db_session, "2024-Q3", "district")
    assert after[ba_dinh][:2] == (1, 1) and after[cau_giay][:2] == (1, 1)  # the account follows Hai, not its copy
    july = _counted(db_session, "2024-07", "district")
    # Dossiers by the owner's unit on the day each was received: Hai's second one after his move.
    assert (july[ba_dinh][2], july[cau_giay][2], july[CITY_CODE][2]) == (2, 1, 3)
    year = _counted(db_session, "2024", "district")
    assert (year[ba_dinh], year[cau_giay], year[CITY_CODE]) == ((1, 1, 2), (1, 1, 1), (2, 2, 3))
    communes = _counted(db_session, "2025-Q3", "commune")  # on the 2025 units, no longer in the city row only
    assert (communes["00160"][:2], communes["00008"][:2], communes[CITY_CODE][:2]) == ((1, 1), (1, 1), (2, 2))


def test_a_person_whose_old_ward_was_split_counts_once_re_expressed_on_the_2025_units(moved_in_2024, db_session):
    for period in ("2024-07", "2024-Q3", "2024"):
        counted = _counted(db_session, period, "commune", units="2025")
        assert counted["00008"] == (1, 1, 1) and counted["00025"] == (0, 0, 0)  # Lan, once, in Cống Vị's default
        assert counted["00160"] == (1, 1, 2)  # Hai in his unit of 2025-07-01, both dossiers
        assert counted[CITY_CODE] == (2, 2, 3)
        assert tuple(map(sum, zip(*(n for code, n in counted.items() if code != CITY_CODE)))) == (2, 2, 3)


def test_dossiers_of_january_to_june_2025_count_in_their_2025_unit_in_the_year_2025(moved_in_2024, db_session):
    """The year 2025 straddles the reform and is on the 2025 units: a dossier received on
    2025-03-10 counts there in its owner's unit of 2025-07-01 (as `?units=2025` places it), not
    in the city row only; March itself stays on the districts."""
    owners = dict(db_session.execute(select(Resident.national_id, Resident.id)).all())
    for n, owner in enumerate((HAI, LAN)):
        day = _on(date(2025, 3, 10))
        db_session.add(Dossier(
            code=f"T-2025-{n}", procedure_code="T-PLACE", agency_code="000.01.01.H26",
            owner_resident_id=owners[owner], district_code="001", channel="online", status="received", form={},
            submitted_at=day, received_at=day, due_at=day + timedelta(days=7), original_due_at=day + timedelta(days=7),
            updated_at=day))
    db_session.flush()

    year = _counted(db_session, "2025", "commune")
    assert (year["00160"][2], year["00008"][2], year["00025"][2], year[CITY_CODE][2]) == (1, 1, 0, 2)
    assert sum(n[2] for code, n in year.items() if code != CITY_CODE) == 2  # every dossier in a 2025 unit
    march = _counted(db_session, "2025-03", "district")
    assert (march["005"][2], march["001"][2], march[CITY_CODE][2]) == (1, 1, 2)  # Hai had moved to Cầu Giấy
    first_half = _counted(db_session, "2025-Q1", "commune", units="2025")
    assert all(year[code][2] == first_half[code][2] for code in year)  # the same placing as ?units=2025


def test_the_straddling_year_is_its_re_expressed_first_half_and_suppression_knows_it(moved_in_2024, db_session):
    """The year 2025 on the 2025 units = its re-expressed Q1 and Q2 + Q3 + Q4, cell by cell, and the
    year's table carries that sum: a small re-expressed quarter gets a partner hidden with it."""
    from services.metrics.attacker import attack
    from services.metrics.indicators import year_table, year_tables
    from services.metrics.protection import hidden
    from services.metrics.reexpression import VIEW
    table = year_tables(db_session, "2025", TODAY, only=["online_dossier_share"])["online_dossier_share"]
    straddling = [r for r in table.relations["numerator"] if r.total[1:] == ("2025",) and r.total[0] != CITY_CODE]
    assert len(straddling) == 126
    for relation in straddling:
        assert relation.parts[:2] == ((relation.total[0], "2025-Q1", VIEW), (relation.total[0], "2025-Q2", VIEW))
        for measure in ("numerator", "denominator"):
            assert table.values[relation.total][measure] == sum(table.values[p][measure] for p in relation.parts)

    counts = {("00160", "2025"): (40, 80), ("00160", "2025-Q1", VIEW): (3, 20), ("00160", "2025-Q2", VIEW): (17, 20),
              ("00160", "2025-Q3"): (10, 20), ("00160", "2025-Q4"): (10, 20)}
    small = year_table("online_dossier_share", counts)
    secret = hidden(small, 10)
    assert ("00160", "2025-Q1", VIEW) in secret and len(secret) >= 2
    shown = {key: {"numerator": n, "denominator": d} for key, (n, d) in counts.items() if key not in secret}
    assert attack(shown, small.relations) == {}
