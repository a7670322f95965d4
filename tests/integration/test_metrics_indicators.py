"""Each indicator against counts computed here, in plain Python, from the seeded people."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from models.reference import AdministrativeUnit

from services.metrics.indicators import IndicatorQuery, compute_indicators
from services.metrics.units import CITY_CODE
from tests.metrics_support import (as_db_time, as_db_uuid, create_contract_tables, monthly_active,
                                   seed_people, utc)

DISTRICTS = ("001", "002", "003")
END_2024 = utc(2024, 12, 31, 17)  # 2025-01-01 00:00 in Hanoi
END_Q3 = utc(2024, 9, 30, 17)
TODAY = date(2026, 1, 15)
CREATED = [utc(2023, 6, 1), utc(2024, 5, 1), END_Q3 - timedelta(seconds=1), END_Q3,
           END_2024 - timedelta(seconds=1), END_2024, utc(2025, 3, 1)]


def _population(rng: random.Random) -> list[dict]:
    specs = []
    for district in DISTRICTS:
        for _ in range(45):
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 66))
            spec = {"district_code": district, "born": born}
            if rng.random() < 0.7:
                spec["created_at"] = rng.choice(CREATED)
                if rng.random() < 0.15:
                    spec["locked_at"] = rng.choice([utc(2024, 3, 1), END_2024, utc(2025, 6, 1)])
                if rng.random() < 0.1:
                    spec["account_district"] = rng.choice(DISTRICTS)  # moved since registering
            specs.append(spec)
        # Turning 14 on the last day of the year counts; a day later does not.
        specs.append({"district_code": district, "born": date(2010, 12, 31), "created_at": utc(2024, 1, 2)})
        specs.append({"district_code": district, "born": date(2011, 1, 1), "created_at": utc(2024, 1, 2)})
    return specs


def _adult(born: date, last_day: date) -> bool:
    return (last_day.year - born.year - ((last_day.month, last_day.day) < (born.month, born.day))) >= 14


def _expected_eid(people, last_day: date, end: datetime):
    numerators = Counter(p.account_district for p in people
                         if p.created_at is not None and p.role == "citizen" and p.created_at < end
                         and _adult(p.born, last_day) and (p.locked_at is None or p.locked_at >= end))
    denominators = Counter(p.district_code for p in people if _adult(p.born, last_day))
    return numerators, denominators


def _cells(values, code):
    return {v.unit_code: v for v in values if v.code == code}


@pytest.fixture
def people_2024(db_session):
    return seed_people(db_session, _population(random.Random(6)))


@pytest.mark.parametrize("period,last_day,end", [("2024", date(2024, 12, 31), END_2024),
                                                 ("2024-Q3", date(2024, 9, 30), END_Q3)])
def test_eid_verified_share_per_district_and_city(db_session, people_2024, period, last_day, end):
    numerators, denominators = _expected_eid(people_2024, last_day, end)
    assert all(numerators[d] > 0 for d in DISTRICTS)

    districts = _cells(compute_indicators(db_session, IndicatorQuery(period, "district"),
                                          threshold=1, today=TODAY), "eid_verified_share")
    assert len(districts) == 30
    for code in DISTRICTS:
        cell = districts[code]
        assert (cell.numerator, cell.denominator, cell.suppressed) == (numerators[code], denominators[code], False)
        assert cell.value == pytest.approx(numerators[code] / denominators[code])
        assert cell.unit_name and cell.period == period and cell.catalogue_version == "2024"
    assert all(districts[code].suppressed and districts[code].numerator is None
               for code in districts if code not in DISTRICTS)

    city = _cells(compute_indicators(db_session, IndicatorQuery(period, "city"), threshold=10,
                                     today=TODAY), "eid_verified_share")
    assert (city[CITY_CODE].numerator, city[CITY_CODE].denominator) == (
        sum(numerators.values()), sum(denominators.values()))


def test_mau_share_reads_the_last_month_and_the_city_union(db_session, people_2024):
    _, adults = _expected_eid(people_2024, date(2024, 12, 31), END_2024)
    monthly_active(db_session, date(2024, 12, 1), {"001": 15, "002": 12, "003": 11, CITY_CODE: 30})
    monthly_active(db_session, date(2024, 11, 1), {"001": 19, "002": 3, "003": 13, CITY_CODE: 35})

    year = _cells(compute_indicators(db_session, IndicatorQuery("2024", "district"), threshold=10,
                                     today=TODAY), "mau_share")
    assert [(year[d].numerator, year[d].denominator) for d in DISTRICTS] == [
        (15, adults["001"]), (12, adults["002"]), (11, adults["003"])]
    city = _cells(compute_indicators(db_session, IndicatorQuery("2024", "city"), threshold=10,
                                     today=TODAY), "mau_share")[CITY_CODE]
    assert city.numerator == 30  # distinct over the city, not 15 + 12 + 11

    _, adults_nov = _expected_eid(people_2024, date(2024, 11, 30), utc(2024, 11, 30, 17))
    november = _cells(compute_indicators(db_session, IndicatorQuery("2024-11", "district"), threshold=10,
                                         today=TODAY), "mau_share")
    assert (november["001"].numerator, november["001"].denominator) == (19, adults_nov["001"])
    assert november["002"].suppressed and november["002"].numerator is None  # 3 users


def test_a_lone_small_cell_hides_its_smallest_neighbour_even_when_filtered(db_session):
    codes = sorted(db_session.scalars(select(AdministrativeUnit.code).where(
        AdministrativeUnit.level == "district")))
    sizes = {code: 12 + n for n, code in enumerate(codes, start=1)}
    sizes["004"] = 4  # the one cell under the threshold
    seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 1, 1)}
                             for code, size in sizes.items() for _ in range(size)])

    values = _cells(compute_indicators(db_session, IndicatorQuery("2024", "district"), threshold=10,
                                       today=TODAY), "eid_verified_share")
    hidden = {code for code, value in values.items() if value.suppressed}
    assert hidden == {"004", "001"}  # 001 (13 people) is the smallest published cell
    assert all(values[c].numerator == values[c].denominator == sizes[c] for c in values if c not in hidden)

    one = compute_indicators(db_session, IndicatorQuery("2024", unit_code="001"), threshold=10, today=TODAY)
    assert {v.unit_code for v in one} == {"001"} and all(v.suppressed for v in one)
    assert all(v.value is None and v.numerator is None and v.denominator is None for v in one)
    city = _cells(compute_indicators(db_session, IndicatorQuery("2024", "city"), threshold=10,
                                     today=TODAY), "eid_verified_share")[CITY_CODE]
    assert city.numerator == sum(sizes.values()) and not city.suppressed


def test_indicators_of_missing_capabilities_are_left_out(db_session):
    present = set(inspect(db_session.connection()).get_table_names())
    codes = {v.code for v in compute_indicators(db_session, IndicatorQuery("2024", "city"),
                                                threshold=10, today=TODAY)}
    assert {"eid_verified_share", "mau_share"} <= codes
    needs = {"signature_holder_share": "certificates", "ehr_share": "health_records",
             "online_dossier_share": "dossiers", "on_time_share": "dossiers",
             "full_online_dossier_share": "procedures"}
    for code, table in needs.items():
        assert (code in codes) == (table in present and "dossiers" in present
                                   if code == "full_online_dossier_share" else table in present), code


# ---- the five indicators on other capabilities' tables, through the metrics contract ----

@pytest.fixture
def contract(db_session):
    if not create_contract_tables(db_session):
        pytest.skip("the real tables exist: test these indicators with the capabilities' own models")
    return db_session


def _insert(session, table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    session.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                         f"({', '.join(':' + c for c in columns)})"), rows)


def test_signature_and_health_indicators_through_the_contract(contract, people_2024):
    session, rng = contract, random.Random(7)
    end, last_day = END_2024, date(2024, 12, 31)
    holders, certificates, records = Counter(), [], []
    windows = [(utc(2024, 2, 1), utc(2025, 2, 1), None, True),            # valid at the end
               (utc(2023, 1, 1), utc(2024, 6, 1), None, False),           # expired
               (utc(2024, 2, 1), utc(2025, 2, 1), utc(2024, 7, 1), False),  # revoked before the end
               (utc(2024, 2, 1), utc(2025, 2, 1), utc(2025, 1, 10), True),  # revoked after the end
               (utc(2025, 1, 5), utc(2026, 1, 5), None, False)]           # not yet valid
    for index, person in enumerate(people_2024):
        if person.account_id is not None:
            counted_account = (person.created_at < end and _adult(person.born, last_day)
                               and (person.locked_at is None or person.locked_at >= end))
            mine = rng.sample(windows, rng.choice([0, 1, 1, 2]))
            for valid_from, valid_to, revoked_at, valid in mine:
                certificates.append({"account_id": as_db_uuid(session, person.account_id),
                                     "serial": f"{len(certificates):X}",
                                     "valid_from": as_db_time(session, valid_from),
                                     "valid_to": as_db_time(session, valid_to),
                                     "revoked_at": as_db_time(session, revoked_at)})
            if counted_account and any(valid for *_, valid in mine):
                holders[person.account_district] += 1
        if rng.random() < 0.6:
            records.append({"resident_id": person.resident_id,
                            "created_at": as_db_time(session, rng.choice([utc(2024, 3, 1), END_2024]))})
    _insert(session, "certificates", certificates)
    _insert(session, "health_records", records)
    with_record = {r["resident_id"] for r in records if r["created_at"] != as_db_time(session, END_2024)}
    ehr = Counter(p.district_code for p in people_2024 if p.resident_id in with_record)
    residents = Counter(p.district_code for p in people_2024)
    _, adults = _expected_eid(people_2024, last_day, end)

    values = compute_indicators(session, IndicatorQuery("2024", "district"), threshold=1, today=TODAY)
    signature, health = _cells(values, "signature_holder_share"), _cells(values, "ehr_share")
    for code in DISTRICTS:
        assert (signature[code].numerator, signature[code].denominator) == (holders[code], adults[code])
        assert (health[code].numerator, health[code].denominator) == (ehr[code], residents[code])


def test_dossier_indicators_through_the_contract(contract):
    session, rng = contract, random.Random(8)
    _insert(session, "procedures", [{"code": "P-FULL", "agency_code": "A", "online_level": "full", "processing_days": 5},
                                    {"code": "P-PART", "agency_code": "A", "online_level": "partial", "processing_days": 5}])
    moments = [utc(2023, 12, 31, 16, 59), utc(2023, 12, 31, 17), utc(2024, 6, 1), END_2024 - timedelta(seconds=1),
               END_2024, None]
    rows = []
    for index in range(400):
        received = rng.choice(moments)
        finished = rng.choice(moments) if received else None
        due = utc(2024, 6, 10)
        rows.append({"code": f"D{index:05d}", "procedure_code": rng.choice(["P-FULL", "P-PART"]),
                     "district_code": rng.choice(DISTRICTS), "channel": rng.choice(["online", "counter", "post"]),
                     "received_at": received, "finished_at": finished, "original_due_at": due,
                     "on_time": rng.choice([True, False, None]) if finished else None})
    _insert(session, "dossiers", [{**r, **{k: as_db_time(session, r[k])
                                           for k in ("received_at", "finished_at", "original_due_at")}}
                                  for r in rows])

    def within(moment):
        return moment is not None and utc(2023, 12, 31, 17) <= moment < END_2024

    received = [r for r in rows if within(r["received_at"])]
    finished = [r for r in rows if within(r["finished_at"])]
    on_time = [r for r in finished if r["on_time"] or (r["on_time"] is None and r["finished_at"] <= r["original_due_at"])]
    expected = {
        "online_dossier_share": (Counter(r["district_code"] for r in received if r["channel"] == "online"),
                                 Counter(r["district_code"] for r in received)),
        "full_online_dossier_share": (Counter(r["district_code"] for r in received
                                              if r["channel"] == "online" and r["procedure_code"] == "P-FULL"),
                                      Counter(r["district_code"] for r in received)),
        "on_time_share": (Counter(r["district_code"] for r in on_time), Counter(r["district_code"] for r in finished)),
    }
    values = compute_indicators(session, IndicatorQuery("2024", "district"), threshold=1, today=TODAY)
    for code, (numerators, denominators) in expected.items():
        cells = _cells(values, code)
        assert [(cells[d].numerator, cells[d].denominator) for d in DISTRICTS] == [
            (numerators[d], denominators[d]) for d in DISTRICTS], code
