"""Units as a timeline: `flask units sync` loads Hanoi before and after 1 July 2025 and the
crosswalk between them; GET /units lists the units of a day, GET /units/{code} one unit with
its predecessors and successors."""
import pytest
from sqlalchemy import func, select, update

from models.reference import AdministrativeUnit, UnitSuccession

UNITS = "/api/v1/units"


@pytest.fixture
def synced(runner):
    result = runner.invoke(args=["units", "sync"])
    assert result.exit_code == 0, result.output
    return result.output


def _all(client, **query):
    items, cursor = [], None
    while True:
        answer = client.get(UNITS, query_string={**query, "limit": 100, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.get_json()
        items += answer.get_json()["items"]
        cursor = answer.get_json()["next_cursor"]
        if not cursor:
            return items


def test_sync_loads_the_city_its_126_units_the_526_old_wards_and_the_crosswalk_once(synced, runner, db_session):
    assert "units: thêm 653, đổi 0, giữ nguyên 30" in synced      # the 30 districts were seeded
    assert "crosswalk: thêm 794, đổi 0, giữ nguyên 0" in synced
    again = runner.invoke(args=["units", "sync"])
    assert again.exit_code == 0
    assert "units: thêm 0, đổi 0, giữ nguyên 683" in again.output
    assert "crosswalk: thêm 0, đổi 0, giữ nguyên 794" in again.output
    assert db_session.scalar(select(func.count()).select_from(UnitSuccession)) == 794

    db_session.execute(update(AdministrativeUnit).where(AdministrativeUnit.code == "00070",
                                                        AdministrativeUnit.valid_from.is_not(None))
                       .values(name="Phường Sai Tên"))
    db_session.commit()
    repaired = runner.invoke(args=["units", "sync"])
    assert "units: thêm 0, đổi 1, giữ nguyên 682" in repaired.output and "00070" in repaired.output
    assert db_session.scalar(select(AdministrativeUnit.name).where(
        AdministrativeUnit.code == "00070", AdministrativeUnit.valid_from.is_not(None))) == "Phường Hoàn Kiếm"


def test_the_city_as_it_is_has_51_wards_and_75_communes_and_no_district(synced, client):
    assert len(_all(client, at="2025-08-01", kind="ward")) == 51
    assert len(_all(client, at="2025-08-01", kind="commune")) == 75
    assert [u["name"] for u in _all(client, at="2025-08-01", kind="city")] == ["Thành phố Hà Nội"]
    under_city = _all(client, at="2025-08-01", parent="01")
    assert len(under_city) == 126 and {u["valid_from"] for u in under_city} == {"2025-07-01"}
    assert {u["code"]: u["name"] for u in under_city}["00166"] == "Phường Cầu Giấy"


def test_before_july_2025_the_same_code_names_the_old_ward(synced, client):
    districts = _all(client, at="2024-06-01", kind="district")
    assert len(districts) == 30 and {u["valid_to"] for u in districts} == {"2025-06-30"}
    ba_dinh_2024 = {u["code"]: u["name"] for u in _all(client, at="2024-06-01", parent="001")}
    assert ba_dinh_2024["00004"] == "Phường Trúc Bạch" and "00008" in ba_dinh_2024
    old = client.get(f"{UNITS}/00004", query_string={"at": "2024-06-01"}).get_json()
    new = client.get(f"{UNITS}/00004", query_string={"at": "2025-07-01"}).get_json()
    assert old["unit"]["name"] == "Phường Trúc Bạch" and old["unit"]["kind"] == "ward"
    assert [(s["unit"]["name"], s["share"], s["basis"]) for s in old["successors"]] == [
        ("Phường Ba Đình", "1.000000", "whole")]
    assert new["unit"]["name"] == "Phường Ba Đình" and new["unit"]["parent_code"] == "01"
    assert "Phường Trúc Bạch" in [p["unit"]["name"] for p in new["predecessors"]]


def test_a_split_old_ward_shows_each_new_unit_with_its_share_and_the_default(synced, client):
    cong_vi = client.get(f"{UNITS}/00007", query_string={"at": "2025-06-30"}).get_json()
    assert [(s["unit"]["code"], s["share"], s["basis"], s["is_default"]) for s in cong_vi["successors"]] == [
        ("00008", "0.500000", "equal_split", True), ("00025", "0.500000", "equal_split", False)]
    district = client.get(f"{UNITS}/001", query_string={"at": "2025-01-01"}).get_json()
    assert district["unit"]["kind"] == "district"
    assert {"00004", "00008", "00025"} <= {s["unit"]["code"] for s in district["successors"]}
    assert {s["basis"] for s in district["successors"]} == {"through_wards"}


def test_bad_unit_questions_are_problems_naming_the_field(synced, client):
    gone = client.get(UNITS, query_string={"at": "2025-08-01", "kind": "district"})
    assert gone.status_code == 422 and gone.get_json()["code"] == "kind_not_in_period"
    assert "city, commune, ward" in gone.get_json()["errors"]["kind"][0]
    unknown_parent = client.get(UNITS, query_string={"at": "2025-08-01", "parent": "999"})
    assert unknown_parent.status_code == 422 and "parent" in unknown_parent.get_json()["errors"]
    assert unknown_parent.get_json()["code"] == "unknown_unit_code"
    assert unknown_parent.get_json()["errors"]["parent"] == ["Không có đơn vị nào mang mã 999 vào ngày 01/08/2025."]
    in_english = client.get(UNITS, query_string={"at": "2025-08-01", "parent": "999"}, headers={"Accept-Language": "en"})
    assert in_english.get_json()["errors"]["parent"] == ["999 names no unit on 1 Aug 2025."]
    assert client.get(UNITS, query_string={"kind": "province"}).status_code == 422
    missing = client.get(f"{UNITS}/99999")
    assert missing.status_code == 404 and missing.get_json()["code"] == "unknown_unit_code"
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert client.get(f"{UNITS}/00004", query_string={"at": "2025-13-01"}).status_code == 422


def test_a_date_before_any_unit_says_so(client):
    """Without the sync only the 30 districts (from 2008-08-01) are known."""
    early = client.get(UNITS, query_string={"at": "2000-01-01"})
    assert early.status_code == 422 and early.get_json()["code"] == "no_units_on_date"
    assert "at" in early.get_json()["errors"]
    assert len(_all(client, at="2024-01-01")) == 30


def _changed_list(tmp_path, ward: dict, name: str) -> str:
    """The package's 2025 units as a CSV, with `ward` now a ward named `name` (same code)."""
    from services.reference.units_2025 import hanoi_units_2025
    path = tmp_path / "units-2025.csv"
    lines = ["code,name,kind"] + [f"{u['code']},{name},ward" if u["code"] == ward["code"]
                                  else f"{u['code']},{u['name']},{u['kind']}" for u in hanoi_units_2025()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_commune_that_becomes_a_ward_keeps_its_code_as_a_new_period(synced, runner, client, db_session, tmp_path):
    from datetime import date, datetime, timezone

    from models.reference import Resident
    from services.clock import clock
    from services.reference.addresses import unit_of
    from services.reference.units_2025 import hanoi_units_2025
    commune = next(u for u in hanoi_units_2025() if u["kind"] == "commune")
    resident = tmp_path / "registry.csv"
    resident.write_text("national_id,full_name,date_of_birth,sex,unit_code,district_code\n"
                        f"001090880031,Ngô Văn Tú,1990-01-01,male,{commune['code']},\n", encoding="utf-8")
    with clock.frozen_at(datetime(2025, 9, 1, 3, tzinfo=timezone.utc)):
        assert runner.invoke(args=["registry", "import", str(resident)]).exit_code == 0
    became = "Phường " + commune["name"].removeprefix("Xã ")
    changed = _changed_list(tmp_path, commune, became)

    result = runner.invoke(args=["units", "sync", "--units-file", changed, "--effective", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "units: thêm 0, đổi 1, giữ nguyên 682" in result.output
    assert f"{commune['code']} {became}: đổi loại commune -> ward từ ngày 01/01/2026" in result.output
    again = runner.invoke(args=["units", "sync", "--units-file", changed, "--effective", "2026-02-01"])
    assert "units: thêm 0, đổi 0, giữ nguyên 683" in again.output and "đổi loại" not in again.output

    before = {u["code"]: u for u in _all(client, at="2025-12-31", parent="01")}
    after = {u["code"]: u for u in _all(client, at="2026-01-01", parent="01")}
    assert len(before) == len(after) == 126
    assert (before[commune["code"]]["kind"], before[commune["code"]]["valid_to"]) == ("commune", "2025-12-31")
    assert (after[commune["code"]]["kind"], after[commune["code"]]["name"]) == ("ward", became)
    assert len(_all(client, at="2026-01-01", kind="ward")) == 52
    shown = client.get(f"{UNITS}/{commune['code']}", query_string={"at": "2026-03-01"}).get_json()
    assert shown["unit"]["kind"] == "ward"
    assert [(p["kind"], p["valid_from"], p["valid_to"]) for p in shown["periods"]] == [
        ("commune", "2025-07-01", "2025-12-31"), ("ward", "2026-01-01", None)]
    assert shown["predecessors"]  # the old wards it came from in 2025 still show
    earlier = client.get(f"{UNITS}/{commune['code']}", query_string={"at": "2025-10-01"}).get_json()
    assert earlier["unit"]["kind"] == "commune" and len(earlier["periods"]) == 2

    person = db_session.scalar(select(Resident).where(Resident.national_id == "001090880031"))
    assert unit_of(person, on=date(2025, 10, 1)).kind == "commune"  # the history goes on in the new row
    assert unit_of(person, on=date(2026, 3, 1)).kind == "ward"


def test_a_kind_change_takes_effect_today_by_default_and_a_bad_list_stops_the_sync(synced, runner, client, tmp_path):
    from datetime import datetime, timezone

    from services.clock import clock
    from services.reference.units_2025 import hanoi_units_2025
    commune = [u for u in hanoi_units_2025() if u["kind"] == "commune"][1]
    with clock.frozen_at(datetime(2026, 3, 2, 3, tzinfo=timezone.utc)):
        result = runner.invoke(args=["units", "sync", "--units-file", _changed_list(tmp_path, commune, "Phường Mới")])
    assert "từ ngày 02/03/2026" in result.output
    assert client.get(f"{UNITS}/{commune['code']}", query_string={"at": "2026-03-01"}).get_json()["unit"]["kind"] == \
        "commune"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind\n01,Thành phố Hà Nội,city\n00004,Phường Ba Đình,quận\n", encoding="utf-8")
    refused = runner.invoke(args=["units", "sync", "--units-file", str(bad)])
    assert refused.exit_code == 1 and "dòng 3" in refused.output
