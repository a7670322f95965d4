"""The demo city is the city as it is: its population lives in all 126 units of 2025, each
person with a pre-2025 ward converted, and the 2024 history stays on the 2024 districts."""
from datetime import date

from sqlalchemy import distinct, func, select

from models.reference import AdministrativeUnit, Resident, ResidentAddress
from services.reference.addresses import addresses_on, unit_of


def test_seeded_residents_cover_the_126_units_and_keep_their_old_ward_and_district(runner, db_session):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    units_2025 = db_session.scalar(select(func.count(distinct(Resident.unit_code))).where(
        Resident.unit_code.is_not(None)))
    assert units_2025 == 126
    on_the_day = addresses_on(date(2025, 7, 1)).subquery()
    assert db_session.scalar(select(func.count(distinct(on_the_day.c.code)))) == 126
    person = db_session.scalar(select(Resident).where(Resident.unit_code.is_not(None)).order_by(Resident.id))
    before, after = unit_of(person, on=date(2025, 6, 30)), unit_of(person, on=date(2025, 7, 1))
    assert before.parent_code == person.district_code and before.valid_to == date(2025, 6, 30)
    assert after.code == person.unit_code and after.parent_code == "01"
    # one history row per period: nobody lives in two units on the same day
    twice = select(on_the_day.c.resident_id).group_by(on_the_day.c.resident_id).having(func.count() > 1)
    assert db_session.scalars(twice).first() is None
    # a second seed adds no history
    rows = db_session.scalar(select(func.count()).select_from(ResidentAddress))
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert db_session.scalar(select(func.count()).select_from(ResidentAddress)) == rows
    assert db_session.scalar(select(func.count()).select_from(AdministrativeUnit).where(
        AdministrativeUnit.level == "district")) == 30
