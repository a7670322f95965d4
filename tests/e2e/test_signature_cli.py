"""`signature providers import`, `counters import`, and the demo data of signatures."""
from sqlalchemy import func, select

from models.signatures import Certificate, ServiceCounter, SignatureProvider, SignatureRequest
from services.demo import people as demo_people
from services.signatures.demo import APPLICANT


def test_provider_import_is_repeatable(runner, db_session, tmp_path):
    path = tmp_path / "providers.csv"
    path.write_text("code,name\nTEST-CA,Nhà cung cấp thử\n,Thiếu mã\n", encoding="utf-8")
    first = runner.invoke(args=["signature", "providers", "import", str(path)])
    assert first.exit_code == 1 and ":3:" in first.output and "code đang trống" in first.output
    runner.invoke(args=["signature", "providers", "import", str(path)])
    assert db_session.scalar(select(func.count()).select_from(SignatureProvider).where(
        SignatureProvider.code == "TEST-CA")) == 1


def test_counter_import_checks_agency_and_district(runner, db_session, tmp_path):
    path = tmp_path / "counters.csv"
    path.write_text("code,name,agency_code,district_code\n"
                    "MC-T1,Quầy thử 1,000.01.01.H26,001\n"
                    "MC-T2,Quầy thử 2,999.99.99.H26,001\n"
                    "MC-T3,Quầy thử 3,000.01.01.H26,999\n"
                    "MC-T4,Quầy thử 4,000.00.17.H26,\n", encoding="utf-8")
    result = runner.invoke(args=["counters", "import", str(path)])
    assert result.exit_code == 1 and ":3:" in result.output and ":4:" in result.output
    assert "counters: đã nạp 2, từ chối 2" in result.output
    assert db_session.get(ServiceCounter, "MC-T1").agency_code == "000.01.01.H26"
    assert db_session.get(ServiceCounter, "MC-T4").district_code is None


def test_demo_seed_has_one_issued_and_one_pending_request(runner, app, db_session):
    for _ in range(2):
        result = runner.invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
    hasher = app.extensions["runtime"].id_hasher
    from services.identity.accounts import find_account

    citizen = find_account(db_session, hasher, demo_people.CITIZEN.national_id)
    applicant = find_account(db_session, hasher, APPLICANT.national_id)
    statuses = lambda account: list(db_session.scalars(select(SignatureRequest.status).where(  # noqa: E731
        SignatureRequest.account_id == account.id)))
    assert statuses(citizen) == ["issued"] and statuses(applicant) == ["submitted"]
    assert citizen.assurance_level == 2
    assert db_session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.account_id == citizen.id)) == 1



def test_the_demo_approval_note_is_a_catalogue_text_kept_in_vietnamese(runner, client):
    """A system note in a request's history is stored in Vietnamese, as officers write theirs."""
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    signed_in = client.post("/api/v1/auth/token", json={"national_id": demo_people.CITIZEN.national_id,
                                                        "password": demo_people.CITIZEN.password}).json
    headers = {"Authorization": f"Bearer {signed_in['access_token']}", "Accept-Language": "en"}
    [issued] = client.get("/api/v1/me/signature-requests", headers=headers).json["items"]
    history = client.get(f"/api/v1/signature-requests/{issued['id']}", headers=headers).json["history"]
    assert [h["note"] for h in history if h["to"] == "approved"] == ["Đã đối chiếu giấy tờ tùy thân tại quầy."]
