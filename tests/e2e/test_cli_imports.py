"""File imports: bad rows reported by line and skipped, the rest loaded, re-runs change nothing."""
from sqlalchemy import func, select

from models.identity import Account
from models.reference import AdministrativeUnit, Resident


def test_registry_import_reports_bad_rows_and_is_repeatable(runner, db_session, tmp_path):
    csv_file = tmp_path / "registry.csv"
    csv_file.write_text(
        "national_id,full_name,date_of_birth,sex,district_code,guardian_national_id\n"
        "001185770001,Đỗ Thị Mai,1985-02-03,female,001,\n"
        "001285770002,Sai Thế Kỷ,1985-02-03,female,001,\n"      # century digit wrong
        "001090770003,Bùi Văn Long,1990-13-01,male,001,\n"      # bad date
        "001090770004,Hồ Văn Sơn,1990-01-01,male,999,\n"        # unknown district
        "001215770005,Đỗ Minh Anh,2015-04-04,male,001,001185770001\n",
        encoding="utf-8")
    first = runner.invoke(args=["registry", "import", str(csv_file)])
    assert first.exit_code == 1
    assert ":3:" in first.output and "Chữ số thứ 4" in first.output
    assert ":4:" in first.output and ":5:" in first.output and "danh mục" in first.output
    count = lambda: db_session.scalar(select(func.count()).select_from(Resident).where(
        Resident.national_id.like("%77000%")))
    assert count() == 2
    runner.invoke(args=["registry", "import", str(csv_file)])
    assert count() == 2
    child = db_session.scalar(select(Resident).where(Resident.national_id == "001215770005"))
    assert child.guardian_national_id == "001185770001"


def test_an_english_speaking_operator_reads_each_bad_row_in_english(runner, tmp_path):
    csv_file = tmp_path / "registry.csv"
    csv_file.write_text("national_id,full_name,date_of_birth,sex,district_code\n"
                        "001285770002,Sai Thế Kỷ,1985-02-03,female,001\n"
                        "001090770003,Bùi Văn Long,1990-13-01,male,001\n", encoding="utf-8")
    result = runner.invoke(args=["registry", "import", str(csv_file)], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 1
    assert "registry.csv:2: national_id: Digit 4 (century and sex) does not match the date of birth." in result.output
    assert "registry.csv:3: date_of_birth '1990-13-01' is not an ISO date (YYYY-MM-DD)" in result.output


def test_units_import_upserts(runner, db_session, tmp_path):
    csv_file = tmp_path / "units.csv"
    csv_file.write_text("code,name,level,valid_from,valid_to\n00004,Phường Ba Đình,commune,2025-07-01,\n"
                        "00007,Phường Ngọc Hà,ward,2025-07-01,\n", encoding="utf-8")
    result = runner.invoke(args=["units", "import", str(csv_file)])
    assert result.exit_code == 1 and ":3:" in result.output
    assert db_session.scalar(select(AdministrativeUnit.kind).where(AdministrativeUnit.code == "00004")) == "commune"


def test_staff_create_makes_a_staff_account(runner, db_session):
    result = runner.invoke(args=["staff", "create", "--role", "health_provider", "--national-id", "001180990001",
                                 "--full-name", "Bác sĩ Hạnh", "--password", "Doctor@2024",
                                 "--facility-code", "BV-BACHMAI"])
    assert result.exit_code == 0, result.output
    account = db_session.scalar(select(Account).where(Account.facility_code == "BV-BACHMAI"))
    assert account.role == "health_provider"
    missing_agency = runner.invoke(args=["staff", "create", "--role", "officer", "--national-id", "001180990002",
                                         "--full-name", "X", "--password", "Officer@2024"])
    assert missing_agency.exit_code != 0


def test_a_domain_error_ends_any_command_with_its_message_and_exit_code_1(runner):
    unknown = runner.invoke(args=["accounts", "lock", "001199000000"])
    assert unknown.exit_code == 1
    assert "Error: Không có tài khoản nào cho số định danh này." in unknown.output  # operators read Vietnamese
    missing_agency = runner.invoke(args=["staff", "create", "--role", "officer", "--national-id", "001180990003",
                                         "--full-name", "X", "--password", "Officer@2024"])
    assert missing_agency.exit_code == 1 and "agency_code: Cán bộ phải thuộc một cơ quan" in missing_agency.output
    bad_period = runner.invoke(args=["metrics", "export", "--period", "2024-Q9", "--out", "unused.csv"])
    assert bad_period.exit_code == 1 and "period: Một năm (2024)" in bad_period.output


def test_agency_key_is_printed_once_and_authenticates(runner, client):
    result = runner.invoke(args=["agency-keys", "create", "000.00.17.H26"])
    assert result.exit_code == 0
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("ak_")
    answer = client.get("/api/v1/me", headers={"Authorization": f"ApiKey {key}"})
    assert answer.status_code == 403  # a key is an agency system, not a person
    bad = client.get("/api/v1/me", headers={"Authorization": "ApiKey ak_nope"})
    assert bad.status_code == 401


def test_agency_keys_are_listed_revoked_and_expire(runner, client, wall_clock):
    me = lambda key: client.get("/api/v1/me", headers={"Authorization": f"ApiKey {key}"})  # noqa: E731
    old, kept = (runner.invoke(args=["agency-keys", "create", "000.00.17.H26"]).output.strip().splitlines()[-1]
                 for _ in range(2))
    prefix = "_".join(old.split("_")[:2])  # ak_1a2b3c4d
    listed = runner.invoke(args=["agency-keys", "list", "--agency-code", "000.00.17.H26"])
    assert listed.exit_code == 0 and f"{prefix}\t000.00.17.H26\t" in listed.output
    assert listed.output.count("\tactive") == 2

    revoked = runner.invoke(args=["agency-keys", "revoke", prefix])
    assert revoked.exit_code == 0 and prefix in revoked.output
    assert me(old).status_code == 401 and me(kept).status_code == 403  # 403: a key is not a person
    listed = runner.invoke(args=["agency-keys", "list"]).output
    assert f"{prefix}\t" in listed and "\trevoked" in listed
    assert runner.invoke(args=["agency-keys", "revoke", "ak_00000000"]).exit_code == 1

    wall_clock.move(days=366)  # AGENCY_KEY_TTL_DAYS defaults to 365
    expired = me(kept)
    assert expired.status_code == 401 and expired.json["code"] == "invalid_api_key"
    assert "\texpired" in runner.invoke(args=["agency-keys", "list"]).output


def test_an_operator_whose_locale_is_english_reads_english(runner, tmp_path):
    english = {"LANG": "en_US.UTF-8"}
    unknown = runner.invoke(args=["accounts", "lock", "001199000000"], env=english)
    assert unknown.exit_code == 1 and "Error: No account for this ID number." in unknown.output
    csv_file = tmp_path / "units.csv"
    csv_file.write_text("code,name,level,valid_from,valid_to\n00004,Phường Ba Đình,commune,2025-07-01,\n",
                        encoding="utf-8")
    imported = runner.invoke(args=["units", "import", str(csv_file)], env=english)
    assert imported.exit_code == 0 and "units: 1 loaded, 0 rejected" in imported.output, imported.output
    missing = runner.invoke(args=["units", "import", str(tmp_path / "none.csv")], env=english)
    assert missing.exit_code == 1 and "none.csv: no such file" in missing.output
    # LC_ALL overrides LANG, as in every POSIX program
    vietnamese = runner.invoke(args=["units", "import", str(csv_file)], env={**english, "LC_ALL": "vi_VN.UTF-8"})
    assert "units: đã nạp 1, từ chối 0" in vietnamese.output
