"""Several push workers share the queue (FOR UPDATE SKIP LOCKED): each entry goes out once.

Real concurrent transactions on PostgreSQL; everything made here is deleted at the end.
"""
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import delete, select

from models.identity import Account, AuthSession, RefreshToken
from models.notifications import Device, Notification
from models.reference import Resident
from services.clock import clock
from services.notifications.delivery import deliver_due
from services.notifications.inbox import notify, save_device
from services.notifications.push import PushOutcome
from tests.support import PeopleFactory

pytestmark = pytest.mark.postgres_only
ENTRIES, WORKERS = 40, 4


class SlowRecorder:
    def __init__(self):
        self.sent, self.lock = [], threading.Lock()

    def send(self, message):
        time.sleep(0.005)
        with self.lock:
            self.sent.append(message.data["notification_id"])
        return PushOutcome.SENT


@pytest.fixture
def citizen(base_app):
    rt = base_app.extensions["runtime"]
    with rt.sessions() as session:
        person = PeopleFactory(base_app, session).citizen()
        save_device(session, person.account.id, "android", "token-worker-test-0001")
        for number in range(ENTRIES):
            notify(session, person.account.id, kind="dossier_status", title=f"#{number}", body="…")
        session.commit()
    yield person
    with rt.sessions() as session, session.begin():
        account_id = person.account.id
        session.execute(delete(Notification).where(Notification.account_id == account_id))
        session.execute(delete(Device).where(Device.account_id == account_id))
        sessions = select(AuthSession.id).where(AuthSession.account_id == account_id)
        session.execute(delete(RefreshToken).where(RefreshToken.session_id.in_(sessions)))
        session.execute(delete(AuthSession).where(AuthSession.account_id == account_id))
        session.execute(delete(Account).where(Account.id == account_id))
        session.execute(delete(Resident).where(Resident.national_id == person.national_id))


def test_concurrent_workers_never_push_an_entry_twice(base_app, citizen):
    rt, sender = base_app.extensions["runtime"], SlowRecorder()
    barrier = threading.Barrier(WORKERS)

    def worker():
        barrier.wait()
        while True:
            with rt.sessions() as session, session.begin():
                if deliver_due(session, sender, clock.now(), limit=5).claimed == 0:
                    return

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with rt.sessions() as session:
        ids = {str(i) for i in session.scalars(select(Notification.id).where(
            Notification.account_id == citizen.account.id))}
        statuses = set(session.scalars(select(Notification.push_status).where(
            Notification.account_id == citizen.account.id)))
    counts = Counter(n for n in sender.sent if n in ids)
    assert set(counts) == ids and set(counts.values()) == {1}
    assert statuses == {"sent"}
