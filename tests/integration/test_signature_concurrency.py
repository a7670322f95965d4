"""Two officers approve the same request at the same moment: one certificate, one 409.
Two submits of one citizen at the same moment: one request, one 409. Real transactions."""
import threading

import pytest
from sqlalchemy import delete, select

from models.identity import Account, AuthSession, IdentityVerification, RefreshToken
from models.idempotency import IdempotencyRecord
from models.notifications import Notification
from models.reference import Resident
from models.signatures import (Certificate, CertificateKey, ServiceCounter, SignatureProvider,
                               SignatureRequest, SignatureRequestEvent)
from services.signatures.demo import load_catalogues
from tests.signatures_support import COUNTER, COUNTER_AGENCY, DATA, business_day
from tests.support import PeopleFactory

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def live_app(make_app, base_app):  # base_app: the reference data is committed
    app = make_app()
    sessions = app.extensions["runtime"].sessions
    with sessions() as session:
        had_catalogues = session.scalar(select(SignatureProvider.code).limit(1)) is not None
        load_catalogues(session, DATA)
        session.commit()
    accounts: list = []
    app.created_accounts = accounts
    yield app
    with sessions() as session:
        requests = select(SignatureRequest.id).where(SignatureRequest.account_id.in_(accounts))
        certificates = select(Certificate.id).where(Certificate.account_id.in_(accounts))
        sessions_of = select(AuthSession.id).where(AuthSession.account_id.in_(accounts))
        for stmt in (
            delete(CertificateKey).where(CertificateKey.certificate_id.in_(certificates)),
            delete(Certificate).where(Certificate.account_id.in_(accounts)),
            delete(SignatureRequestEvent).where(SignatureRequestEvent.request_id.in_(requests)),
            delete(SignatureRequest).where(SignatureRequest.account_id.in_(accounts)),
            delete(Notification).where(Notification.account_id.in_(accounts)),
            delete(IdentityVerification).where(IdentityVerification.account_id.in_(accounts)),
            delete(IdempotencyRecord).where(IdempotencyRecord.caller.in_([f"account:{a}" for a in accounts])),
            delete(RefreshToken).where(RefreshToken.session_id.in_(sessions_of)),
            delete(AuthSession).where(AuthSession.account_id.in_(accounts)),
        ):
            session.execute(stmt)
        national_ids = list(session.scalars(select(Account.national_id).where(Account.id.in_(accounts))))
        session.execute(delete(Account).where(Account.id.in_(accounts)))
        session.execute(delete(Resident).where(Resident.national_id.in_(national_ids)))
        if not had_catalogues:
            session.execute(delete(ServiceCounter))
            session.execute(delete(SignatureProvider))
        session.commit()


def _people(app, *roles):
    with app.extensions["runtime"].sessions() as session:
        factory = PeopleFactory(app, session)
        made = [factory.citizen() if role == "citizen" else factory.staff(role, agency_code=COUNTER_AGENCY)
                for role in roles]
        app.created_accounts.extend(p.account.id for p in made)
        return made


def _at_once(calls):
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_approvals_issue_one_certificate(live_app):
    citizen, first, second = _people(live_app, "citizen", "officer", "officer")
    client = live_app.test_client()
    created = client.post("/api/v1/signature-requests", headers=citizen.headers, json={
        "provider_code": "VNPT-CA", "counter_code": COUNTER, "appointment_date": business_day().isoformat()})
    url = f"/api/v1/signature-requests/{created.json['id']}/approve"
    answers = _at_once([lambda o=o: live_app.test_client().post(url, json={}, headers=o.headers)
                        for o in (first, second)])
    assert sorted(a.status_code for a in answers) == [200, 409]
    with live_app.extensions["runtime"].sessions() as session:
        assert len(session.scalars(select(Certificate).where(Certificate.account_id == citizen.account.id)).all()) == 1


def test_concurrent_submits_open_one_request(live_app):
    (citizen,) = _people(live_app, "citizen")
    body = {"provider_code": "VNPT-CA", "counter_code": COUNTER, "appointment_date": business_day().isoformat()}
    answers = _at_once([lambda: live_app.test_client().post("/api/v1/signature-requests", json=body,
                                                            headers=citizen.headers) for _ in range(3)])
    assert sorted(a.status_code for a in answers) == [201, 409, 409]
    assert {a.json.get("code") for a in answers if a.status_code == 409} == {"open_request_exists"}


def test_concurrent_confirms_of_one_online_request_issue_one_certificate(live_app):
    (citizen,) = _people(live_app, "citizen")  # a level-2 citizen with a phone on record
    client = live_app.test_client()
    started = client.post("/api/v1/signature-requests", headers=citizen.headers,
                          json={"provider_code": "VNPT-CA", "channel": "online"})
    assert started.status_code == 202, started.json
    url = f"/api/v1/signature-requests/{started.json['id']}/confirm"
    body = {"otp": started.json["debug_otp"]}
    answers = _at_once([lambda: live_app.test_client().post(url, json=body, headers=citizen.headers)
                        for _ in range(2)])
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 200 and codes[1] in (400, 409), [a.json for a in answers]
    with live_app.extensions["runtime"].sessions() as session:
        issued = session.scalars(select(Certificate).where(Certificate.account_id == citizen.account.id)).all()
        assert len(issued) == 1
        request = session.scalar(select(SignatureRequest).where(SignatureRequest.account_id == citizen.account.id))
        assert request.status == "issued"
