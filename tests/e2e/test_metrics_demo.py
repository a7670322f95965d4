"""`seed demo` fills every 2024 indicator with data the capabilities' rules agree with, and a
second run adds nothing."""
from __future__ import annotations

from collections import Counter

from cryptography import x509
from sqlalchemy import func, select

from models.dossiers import Dossier, DossierCodeCounter, DossierEvent
from models.health import HealthRecord
from models.identity import Account
from models.metrics import UsageDaily, UsageMonthlyActive
from models.signatures import Certificate
from services.demo.people import ANALYST
from services.metrics.sources import FORMULAS
from tests.metrics_support import END_2024, START_2024

SEEDED = (Account, UsageDaily, UsageMonthlyActive, Certificate, HealthRecord, Dossier, DossierEvent,
          DossierCodeCounter)


def _counts(session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in SEEDED}


def _indicators(client, level: str) -> list[dict]:
    token = client.post("/api/v1/auth/token", json={"national_id": ANALYST.national_id,
                                                    "password": ANALYST.password}).json["access_token"]
    return client.get(f"/api/v1/metrics/indicators?period=2024&level={level}",
                      headers={"Authorization": f"Bearer {token}"}).json["items"]


def _in_2024(moment) -> bool:
    return moment is not None and START_2024 <= moment < END_2024


def test_demo_seed_is_idempotent_and_publishes_all_seven_2024_indicators(app, runner, client, db_session):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    first = _counts(db_session)
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert _counts(db_session) == first
    assert first["certificates"] > 500 and first["health_records"] > 2000 and first["dossiers"] > 2000

    districts = _indicators(client, "district")
    published = Counter(i["code"] for i in districts if not i["suppressed"])
    assert set(published) == set(FORMULAS)
    assert all(published[code] >= 25 for code in FORMULAS), published  # of the 30 districts

    # The city row against counts made here from the rows themselves.
    dossiers = db_session.scalars(select(Dossier)).all()
    received = [d for d in dossiers if _in_2024(d.received_at)]
    finished = [d for d in dossiers if _in_2024(d.finished_at)]
    city = {i["code"]: i for i in _indicators(client, "city")}
    assert (city["online_dossier_share"]["numerator"], city["online_dossier_share"]["denominator"]) == (
        sum(d.channel == "online" for d in received), len(received))
    assert (city["on_time_share"]["numerator"], city["on_time_share"]["denominator"]) == (
        sum(d.finished_at <= d.original_due_at for d in finished), len(finished))
    assert 0 < city["on_time_share"]["value"] < 1 and set(d.channel for d in received) == {"online", "counter", "post"}


def test_demo_rows_follow_the_capabilities_rules(app, runner, db_session):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0

    for dossier in db_session.scalars(select(Dossier).where(Dossier.finished_at.is_not(None))):
        assert dossier.on_time == (dossier.finished_at <= dossier.original_due_at)
        assert dossier.submitted_at <= dossier.received_at < dossier.finished_at
        assert dossier.status in ("approved", "rejected", "returned")
    last_number: dict[str, int] = {}
    for code in db_session.scalars(select(Dossier.code)):  # <agency>-<yymmdd>-<sequence>
        prefix, number = code.rsplit("-", 1)
        last_number[prefix] = max(last_number.get(prefix, 0), int(number))
    counters = {f"{c.agency_code}-{c.day:%y%m%d}": c.last for c in db_session.scalars(select(DossierCodeCounter))}
    assert all(counters[prefix] >= number for prefix, number in last_number.items())  # next codes are new

    authority = app.extensions["runtime"].authority
    issuer = x509.load_pem_x509_certificate(authority.chain_pem()[0].encode())
    for row in db_session.scalars(select(Certificate).limit(50)):
        certificate = x509.load_pem_x509_certificate(row.pem.encode())
        certificate.verify_directly_issued_by(issuer)
        assert format(certificate.serial_number, "X") == row.serial
        assert (certificate.not_valid_before_utc, certificate.not_valid_after_utc) == (row.valid_from, row.valid_to)
    superseded = db_session.scalars(select(Certificate).where(Certificate.renewed_from_id.is_not(None))).all()
    assert superseded and all(db_session.get(Certificate, c.renewed_from_id).revocation_reason == "superseded"
                              for c in superseded)
