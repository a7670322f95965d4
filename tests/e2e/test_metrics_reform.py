"""Indicators on Hanoi as it is from 1 July 2025 (issue 11.6): 126 wards and communes after the
reform, districts before it, a straddling period on the new units, 422 for a level that did not
exist, the 2025 catalogue, and one person counted once even when their old ward was split."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from models.reference import AdministrativeUnit
from services.metrics.indicators import IndicatorQuery, compute_indicators
from services.metrics.units import CITY_CODE
from services.reference.crosswalk_2025 import hanoi_crosswalk
from services.reference.units_2025 import hanoi_units_2025
from tests.metrics_support import cells, seed_people, utc

TODAY = date(2026, 1, 15)
REFORM = date(2025, 7, 1)


@pytest.fixture
def analyst(people):
    return people.staff("analyst")


@pytest.fixture
def units_2025(db_session):
    """The 126 units from the package, and the districts closed on 30 June 2025."""
    db_session.execute(update(AdministrativeUnit).where(AdministrativeUnit.level == "district")
                       .values(valid_to=date(2025, 6, 30)))
    units = [u for u in hanoi_units_2025() if u["code"] != CITY_CODE]
    db_session.add_all(AdministrativeUnit(code=u["code"], name=u["name"], level="commune", kind=u["kind"],
                                          parent_code=CITY_CODE, valid_from=u["valid_from"], valid_to=None)
                       for u in units)
    db_session.flush()
    return units


def test_periods_from_the_reform_are_on_the_126_units_and_earlier_ones_on_districts(client, analyst, units_2025):
    get = lambda query: client.get(f"/api/v1/metrics/indicators?{query}", headers=analyst.headers)  # noqa: E731
    q3 = get("period=2025-Q3&level=commune")
    assert q3.status_code == 200
    eid = [i for i in q3.json["items"] if i["code"] == "eid_verified_share"]
    assert len(eid) == 126 and {i["unit_code"] for i in eid} == {u["code"] for u in units_2025}
    assert all(i["catalogue_version"] == "2025" and i["counting_unit"] == "home_unit" for i in q3.json["items"])
    assert {i["unit_code"] for i in get("period=2025-Q3").json["items"]} == {u["code"] for u in units_2025}
    assert len([i for i in get("period=2025&level=city").json["items"] if i["code"] == "eid_verified_share"]) == 1
    straddling = get("period=2025").json["items"]  # the year straddles the change: on the new units
    assert {i["unit_code"] for i in straddling} == {u["code"] for u in units_2025}
    june = get("period=2025-06").json["items"]
    assert {i["level"] for i in june} == {"district"} and len({i["unit_code"] for i in june}) == 30
    assert {i["catalogue_version"] for i in get("period=2024-Q3").json["items"]} == {"2024"}


@pytest.mark.parametrize("query,existed", [("period=2025-Q3&level=district", "city, commune"),
                                           ("period=2025&level=district", "city, commune"),
                                           ("period=2024&level=commune", "city, district"),
                                           ("period=2025-06&level=commune", "city, district")])
def test_a_level_that_did_not_exist_then_is_422_naming_the_levels_that_did(client, analyst, units_2025,
                                                                          query, existed):
    answer = client.get(f"/api/v1/metrics/indicators?{query}", headers=analyst.headers)
    assert answer.status_code == 422 and answer.json["code"] == "level_not_in_period"
    assert existed in answer.json["errors"]["level"][0]


def test_one_person_is_counted_once_even_when_their_old_ward_was_split(db_session, units_2025):
    split = next(row for row in hanoi_crosswalk() if row["basis"] == "equal_split" and row["is_default"])
    parts = [r["new_unit_code"] for r in hanoi_crosswalk() if r["old_ward_code"] == split["old_ward_code"]]
    assert len(parts) >= 2
    people = [{"district_code": split["new_unit_code"], "born": date(1980, 1, 1), "created_at": utc(2025, 1, 1)}]
    people += [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2025, 1, 1)}
               for code in parts for _ in range(3)]
    seed_people(db_session, people)

    values = compute_indicators(db_session, IndicatorQuery("2025-Q3", "commune"), threshold=0, today=TODAY)
    eid = cells(values, "eid_verified_share")
    city = cells(compute_indicators(db_session, IndicatorQuery("2025-Q3", "city"), threshold=0, today=TODAY),
                 "eid_verified_share")[CITY_CODE]
    assert city.denominator == len(people) == sum(v.denominator for v in eid.values())
    assert eid[split["new_unit_code"]].denominator == 4
    assert all(eid[code].denominator == 3 for code in parts if code != split["new_unit_code"])


def test_a_past_period_re_expressed_on_the_2025_units(client, analyst, db_session, units_2025):
    ba_dinh, cau_giay = "00004", "00166"
    seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1), "created_at": utc(2024, 2, 1)}
                             for code, size in ((ba_dinh, 12), (cau_giay, 15)) for _ in range(size)])
    seed_people(db_session, [{"district_code": "001", "born": date(1980, 1, 1), "created_at": utc(2024, 2, 1)}
                             for _ in range(5)])  # only their 2024 district is known

    values = compute_indicators(db_session, IndicatorQuery("2024-Q3", units="2025"), threshold=0, today=TODAY)
    eid = cells(values, "eid_verified_share")
    assert len(eid) == 126 and {v.level for v in values} == {"commune"}
    assert (eid[ba_dinh].numerator, eid[cau_giay].numerator) == (12, 15)
    assert sum(v.numerator for v in eid.values()) == 27  # the five placed by district only: the city row alone
    city = cells(compute_indicators(db_session, IndicatorQuery("2024-Q3", "city", units="2025"), threshold=0,
                                    today=TODAY), "eid_verified_share")[CITY_CODE]
    assert city.numerator == 32
    default = cells(compute_indicators(db_session, IndicatorQuery("2024-Q3", "district"), threshold=0,
                                       today=TODAY), "eid_verified_share")
    assert default["001"].numerator == 5 and len(default) == 30  # the default table is unchanged

    answer = client.get("/api/v1/metrics/indicators?period=2024-Q3&units=2025", headers=analyst.headers)
    assert answer.status_code == 200
    items = [i for i in answer.json["items"] if i["code"] == "eid_verified_share"]
    assert len(items) == 126 and {i["catalogue_version"] for i in items} == {"2024"}
    shown = {i["unit_code"]: i["numerator"] for i in items if not i["suppressed"]}
    assert all(shown[code] == eid[code].numerator for code in shown)
    wrong = client.get("/api/v1/metrics/indicators?period=2024-Q3&units=2025&level=district", headers=analyst.headers)
    assert wrong.status_code == 422 and wrong.json["code"] == "level_not_in_period"


def test_an_old_ward_split_between_new_units_places_a_person_in_one_of_them():
    from services.metrics.reexpression import placer
    split = [row for row in hanoi_crosswalk() if row["basis"] == "equal_split"]
    new_codes = {u["code"] for u in hanoi_units_2025()}
    place = placer(new_codes)
    for row in split:
        if row["old_ward_code"] in new_codes:
            continue  # that code is also a 2025 unit's: read as the 2025 unit
        assert place(row["old_ward_code"]) == next(
            r["new_unit_code"] for r in split if r["old_ward_code"] == row["old_ward_code"] and r["is_default"])


def test_the_dashboard_shows_126_units_sortable_with_the_city_marked_on_each_chart(client, people, db_session,
                                                                                  units_2025):
    import re

    from tests.e2e.test_metrics_dashboard import _sign_in
    sizes = {u["code"]: 10 + n % 7 for n, u in enumerate(units_2025)}
    seed_people(db_session, [{"district_code": code, "born": date(1980, 1, 1),
                              "created_at": utc(2025, 1, 1) if i < size - n % 5 else utc(2026, 1, 1)}
                             for n, (code, size) in enumerate(sizes.items()) for i in range(size)])
    assert _sign_in(client, people.staff("analyst").national_id).status_code == 303

    page = client.get("/dashboard?period=2025-Q3&sort=eid_verified_share&order=desc")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "(cấp phường/xã)" in html
    rows = re.findall(r'<tr data-unit="(\d+)"', html)
    assert len(rows) == 127 and rows[0] == CITY_CODE and set(rows[1:]) == set(sizes)
    values = [float(v) for v in re.findall(
        r'data-code="eid_verified_share" data-unit="\d+" data-suppressed="false"\s+data-numerator="\d+" '
        r'data-denominator="\d+" data-value="([\d.]+)"', html)][1:]  # the city first
    assert len(values) > 60 and values == sorted(values, reverse=True) and len(set(values)) > 3
    ascending = client.get("/dashboard?period=2025-Q3&sort=eid_verified_share&order=asc").get_data(as_text=True)
    upward = [float(v) for v in re.findall(r'data-code="eid_verified_share" data-unit="\d+" data-suppressed="false"'
                                           r'\s+data-numerator="\d+" data-denominator="\d+" data-value="([\d.]+)"',
                                           ascending)][1:]
    assert upward == sorted(values)
    eid_chart = html.split('data-code="eid_verified_share">')[1].split("</figure>")[0]
    assert "Toàn thành phố" in eid_chart  # the city value marked on the chart (hidden city values are not)
    assert ">phường/xã</option>" in html and "commune" not in html.replace('value="commune"', "").replace(
        "level=commune", "")  # level names in Vietnamese, codes stay English
    english = client.get("/dashboard?period=2025-Q3", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "(level: ward/commune)" in english and "Whole city" in english and "Toàn thành phố" not in english
