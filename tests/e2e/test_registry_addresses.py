"""Residents have an address history: `flask registry import` takes a 2025 unit code or a
pre-2025 ward code (converted through the crosswalk) and an address; old files with
district_code still import; `unit_of(resident, on=day)` says where a person lived on a day."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from models.reference import Resident, ResidentAddress
from services.clock import clock
from services.reference.addresses import unit_of

HEADER = "national_id,full_name,date_of_birth,sex,unit_code,district_code,address\n"
ROWS = (
    "001185880001,Lê Thị Hoa,1985-02-03,female,00166,,12 Trần Thái Tông\n"    # a 2025 unit
    "001090880002,Phạm Văn Nam,1990-01-01,male,00007,,\n"                     # Cống Vị, split in two
    "001090880003,Vũ Văn Bình,1990-01-01,male,,005,\n"                        # an old file's district
    "001090880004,Hồ Văn Sơn,1990-01-01,male,99999,,\n"                       # converts to nothing
    "001090880005,Đỗ Văn Long,1990-01-01,male,4,001,\n"                       # Trúc Bạch, zeros dropped
    "001090880006,Ngô Văn Tú,1990-01-01,male,00007,005,\n"                    # Cống Vị was not in 005
)


@pytest.fixture
def synced(runner):
    assert runner.invoke(args=["units", "sync"]).exit_code == 0


def _import(runner, tmp_path, text, name="registry.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["registry", "import", str(path)])


def _resident(db_session, number) -> Resident:
    return db_session.scalar(select(Resident).where(Resident.national_id == number))


def _where(resident, day):
    unit = unit_of(resident, on=day)
    return None if unit is None else (unit.code, unit.name)


def test_codes_of_both_cities_import_and_a_row_that_does_not_convert_is_reported(synced, runner, db_session,
                                                                              tmp_path):
    result = _import(runner, tmp_path, HEADER + ROWS)
    assert result.exit_code == 1
    assert "registry.csv:5: unit_code '99999' không phải phường, xã hiện nay" in result.output
    assert "registry.csv:7: unit_code 00007 là phường, xã của quận, huyện 001, không phải của 005" in result.output
    assert "residents: đã nạp 4, từ chối 2" in result.output
    assert _resident(db_session, "001090880004") is None and _resident(db_session, "001090880006") is None

    hoa = _resident(db_session, "001185880001")
    assert (hoa.unit_code, hoa.district_code) == ("00166", "005")  # Cầu Giấy's old wards were in district 005
    assert _where(hoa, date(2025, 8, 1)) == ("00166", "Phường Cầu Giấy")
    assert _where(hoa, date(2024, 8, 1)) is None                     # the registry does not say
    nam = _resident(db_session, "001090880002")
    assert (nam.unit_code, nam.district_code) == ("00008", "001")    # the split's default unit
    assert _where(nam, date(2025, 6, 30)) == ("00007", "Phường Cống Vị")
    assert _where(nam, date(2025, 7, 1))[0] == "00008"
    binh = _resident(db_session, "001090880003")
    assert (binh.unit_code, binh.district_code) == (None, "005")
    assert _where(binh, date(2024, 1, 1)) == ("005", "Cầu Giấy") and _where(binh, date(2025, 8, 1)) is None
    long_ = _resident(db_session, "001090880005")
    assert _where(long_, date(2024, 1, 1)) == ("00004", "Phường Trúc Bạch")
    assert _where(long_, date(2026, 1, 1)) == ("00004", "Phường Ba Đình")


def test_a_second_import_changes_nothing_and_a_new_unit_is_a_move(synced, runner, db_session, tmp_path):
    _import(runner, tmp_path, HEADER + ROWS)
    history = lambda: db_session.scalar(select(func.count()).select_from(ResidentAddress).join(Resident).where(
        Resident.national_id.like("0010%88000%")))
    before = history()
    _import(runner, tmp_path, HEADER + ROWS)
    assert history() == before
    with clock.frozen_at(datetime(2026, 3, 10, 3, tzinfo=timezone.utc)):
        moved = _import(runner, tmp_path, HEADER + "001185880001,Lê Thị Hoa,1985-02-03,female,00070,,5 Hàng Bài\n",
                        "moved.csv")
    assert moved.exit_code == 0, moved.output
    hoa = _resident(db_session, "001185880001")
    db_session.refresh(hoa)
    assert hoa.unit_code == "00070"
    assert _where(hoa, date(2026, 3, 9))[0] == "00166" and _where(hoa, date(2026, 3, 10))[0] == "00070"
    rows = db_session.scalars(select(ResidentAddress).where(ResidentAddress.resident_id == hoa.id)
                              .order_by(ResidentAddress.id)).all()
    assert [(r.valid_from, r.valid_to, r.address) for r in rows] == [
        (date(2025, 7, 1), date(2026, 3, 9), "12 Trần Thái Tông"), (date(2026, 3, 10), None, "5 Hàng Bài")]


def test_an_old_file_still_imports_without_the_sync(runner, db_session, tmp_path):
    result = _import(runner, tmp_path, "national_id,full_name,date_of_birth,sex,district_code\n"
                                       "001090880007,Trần Văn An,1990-01-01,male,001\n"
                                       "001090880008,Trần Văn Ba,1990-01-01,male,\n")
    assert "registry.csv:3: unit_code đang trống" in result.output
    an = _resident(db_session, "001090880007")
    assert an.district_code == "001" and _where(an, date(2020, 1, 1)) == ("001", "Ba Đình")


def test_me_keeps_the_district_and_adds_the_current_unit(synced, runner, people, client, db_session, tmp_path):
    person = people.citizen(district_code="001")
    assert client.get("/api/v1/me", headers=person.headers).get_json()["unit_code"] is None
    _import(runner, tmp_path, HEADER + f"{person.national_id},{person.full_name},{person.date_of_birth},"
                                       f"{person.sex},00070,,\n")
    me = client.get("/api/v1/me", headers=person.headers).get_json()
    assert (me["district_code"], me["unit_code"]) == ("001", "00070")
    resident = _resident(db_session, person.national_id)
    assert resident.district_code == "001"  # the known district, not the one 00070 suggests
    assert _where(resident, date(2025, 1, 1))[0] == "001" and _where(resident, date(2025, 9, 1))[0] == "00070"
