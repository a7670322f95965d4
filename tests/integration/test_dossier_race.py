"""Two agency systems move the same dossier at the same moment: exactly one wins.

Real concurrent transactions on PostgreSQL (row locks), so this test commits for real
on runtime().engine and deletes everything it made at the end.
"""
import threading
from collections import Counter

import pytest
from sqlalchemy import delete, select

from models.dossiers import Dossier, DossierCodeCounter, DossierEvent, Procedure
from models.idempotency import IdempotencyRecord
from models.identity import Account, AgencyApiKey, AuthSession, RefreshToken
from models.notifications import Notification
from models.reference import Resident
from tests.dossiers_support import BA_DINH, load_catalogue, submit
from tests.support import PeopleFactory

pytestmark = pytest.mark.postgres_only
ROUNDS = 6


@pytest.fixture
def committed(base_app):
    """A catalogue, a citizen and an agency key committed for real; removed afterwards."""
    rt = base_app.extensions["runtime"]
    with rt.sessions() as session:
        had_catalogue = session.scalar(select(Procedure.code).limit(1)) is not None
        if not had_catalogue:
            load_catalogue(session)
            session.commit()
        citizen = PeopleFactory(base_app, session).citizen()
    from services.identity.agency_keys import create_agency_key
    with rt.sessions() as session, session.begin():
        key = create_agency_key(session, BA_DINH)
    yield citizen, {"Authorization": f"ApiKey {key}"}
    with rt.sessions() as session, session.begin():
        account_id = citizen.account.id
        session.execute(delete(Notification).where(Notification.account_id == account_id))
        dossier_ids = select(Dossier.id).where(Dossier.owner_account_id == account_id)
        session.execute(delete(DossierEvent).where(DossierEvent.dossier_id.in_(dossier_ids)))
        session.execute(delete(Dossier).where(Dossier.owner_account_id == account_id))
        session.execute(delete(DossierCodeCounter).where(DossierCodeCounter.agency_code == BA_DINH))
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.caller.in_(
            [f"account:{account_id}", f"agency:{BA_DINH}"])))
        session.execute(delete(AgencyApiKey).where(AgencyApiKey.agency_code == BA_DINH))
        sessions = select(AuthSession.id).where(AuthSession.account_id == account_id)
        session.execute(delete(RefreshToken).where(RefreshToken.session_id.in_(sessions)))
        session.execute(delete(AuthSession).where(AuthSession.account_id == account_id))
        session.execute(delete(Account).where(Account.id == account_id))
        session.execute(delete(Resident).where(Resident.national_id == citizen.national_id))
        if not had_catalogue:
            session.execute(delete(Procedure))


def _race(app, requests):
    """Fire `requests` (callables taking a test client) at once; their status codes."""
    barrier, answers = threading.Barrier(len(requests)), [None] * len(requests)

    def run(index, request):
        client = app.test_client()
        barrier.wait()
        answers[index] = request(client)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_two_concurrent_moves_one_wins_the_other_is_409(base_app, committed):
    citizen, key = committed
    client = base_app.test_client()
    for round_ in range(ROUNDS):
        code = submit(client, citizen).json["code"]
        agency = lambda to: lambda c: c.post(f"/api/v1/agency/dossiers/{code}/transitions",  # noqa: E731
                                             headers=key, json={"to": to})
        withdraw = lambda c: c.post(f"/api/v1/dossiers/{code}/withdraw", headers=citizen.headers, json={})  # noqa: E731
        if round_ % 2:  # two systems receive the same dossier
            answers, moves = _race(base_app, [agency("received"), agency("received")]), 2
        else:  # processing starts while the citizen withdraws
            assert agency("received")(client).status_code == 200
            answers, moves = _race(base_app, [agency("processing"), withdraw]), 3
        statuses = Counter(a.status_code for a in answers)
        assert statuses == Counter({200: 1, 409: 1}), [a.json for a in answers]
        loser = next(a for a in answers if a.status_code == 409).json
        assert loser["code"] == "invalid_transition"
        assert loser["current"] in ("received", "processing", "withdrawn")
        detail = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
        assert len(detail["timeline"]) == moves
        with base_app.extensions["runtime"].sessions() as session:
            notices = session.scalars(select(Notification).where(Notification.reference == code)).all()
        assert len(notices) == moves


def test_concurrent_filings_get_distinct_consecutive_codes(base_app, committed):
    citizen, _key = committed
    file = lambda c: submit(c, citizen)  # noqa: E731
    answers = _race(base_app, [file] * 8)
    assert {a.status_code for a in answers} == {201}
    codes = sorted(a.json["code"] for a in answers)
    assert len(set(codes)) == 8
    numbers = [int(code[-4:]) for code in codes]
    assert numbers == list(range(numbers[0], numbers[0] + 8))


def test_the_same_idempotency_key_sent_twice_at_once_moves_once_and_replays(base_app, committed):
    citizen, key = committed
    client = base_app.test_client()
    code = submit(client, citizen).json["code"]
    retry = {**key, "Idempotency-Key": f"race-{code}"}
    move = lambda c: c.post(f"/api/v1/agency/dossiers/{code}/transitions",  # noqa: E731
                            headers=retry, json={"to": "received"})
    answers = _race(base_app, [move, move])
    assert [a.status_code for a in answers] == [200, 200], [a.json for a in answers]
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert answers[0].json == answers[1].json
    detail = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
    assert [event["to_status"] for event in detail["timeline"]].count("received") == 1
