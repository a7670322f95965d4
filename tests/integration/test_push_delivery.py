"""The push worker: sends each inbox entry once per device, retries failures with backoff,
forgets unregistered devices, and never loses the inbox entry."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from models.notifications import Device, Notification
from models.push import PushReceipt
from services.notifications.delivery import MAX_ATTEMPTS, backoff, deliver_due
from services.notifications.inbox import notify, save_device
from services.notifications.push import PushFailed, PushOutcome

NOW = datetime(2024, 11, 22, 3, 0, tzinfo=timezone.utc)


class Recorder:
    """A sender whose answer per token is scripted: an outcome, or an exception to raise."""

    def __init__(self, script=None):
        self.script = script or {}
        self.sent = []

    def send(self, message):
        answer = self.script.get(message.token, PushOutcome.SENT)
        if isinstance(answer, Exception):
            raise answer
        self.sent.append((message.token, message.title, message.data["notification_id"]))
        return answer


def _entry(db_session, person, title="Hồ sơ đã tiếp nhận"):
    entry = notify(db_session, person.account.id, kind="dossier_status", title=title, body="…", reference="X")
    entry.push_next_attempt_at = NOW - timedelta(seconds=1)
    db_session.flush()
    return entry


def test_each_device_gets_the_entry_once(db_session, people):
    citizen = people.citizen()
    save_device(db_session, citizen.account.id, "android", "token-android-1")
    save_device(db_session, citizen.account.id, "ios", "token-ios-00001")
    entry = _entry(db_session, citizen)
    sender = Recorder()
    report = deliver_due(db_session, sender, NOW)
    assert report.claimed == 1 and report.pushes_sent == 2
    assert entry.push_status == "sent" and entry.push_attempts == 1
    assert deliver_due(db_session, sender, NOW + timedelta(hours=1)).claimed == 0
    assert len(sender.sent) == 2


def test_a_failing_sender_is_retried_with_backoff_and_never_sends_twice(db_session, people):
    citizen = people.citizen()
    save_device(db_session, citizen.account.id, "android", "token-good-0001")
    save_device(db_session, citizen.account.id, "ios", "token-flaky-001")
    entry = _entry(db_session, citizen)
    sender = Recorder({"token-flaky-001": PushFailed("503", retry_after=90)})
    report = deliver_due(db_session, sender, NOW)
    assert report.retried == 1 and entry.push_status == "pending"
    assert entry.push_next_attempt_at >= NOW + timedelta(seconds=90)
    assert deliver_due(db_session, sender, NOW + timedelta(seconds=10)).claimed == 0  # not due yet
    sender.script = {}
    deliver_due(db_session, sender, entry.push_next_attempt_at)
    assert entry.push_status == "sent"
    assert [token for token, *_ in sender.sent] == ["token-good-0001", "token-flaky-001"]
    assert db_session.scalars(select(PushReceipt)).all() == []


def test_retries_give_up_but_the_inbox_entry_stays(db_session, people, client):
    citizen = people.citizen()
    save_device(db_session, citizen.account.id, "android", "token-down-0001")
    entry = _entry(db_session, citizen, title="Kết quả đã có")
    sender, moment = Recorder({"token-down-0001": RuntimeError("socket closed")}), NOW
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db_session, sender, moment)
        moment = (entry.push_next_attempt_at or moment) + timedelta(seconds=1)
    assert entry.push_status == "failed" and entry.push_attempts == MAX_ATTEMPTS
    db_session.commit()
    titles = [n["title"] for n in client.get("/api/v1/me/notifications", headers=citizen.headers).json["items"]]
    assert titles == ["Kết quả đã có"]


def test_an_unregistered_token_removes_the_device(db_session, people):
    citizen = people.citizen()
    gone = save_device(db_session, citizen.account.id, "android", "token-gone-0001")
    kept = save_device(db_session, citizen.account.id, "ios", "token-kept-0001")
    entry = _entry(db_session, citizen)
    report = deliver_due(db_session, Recorder({"token-gone-0001": PushOutcome.UNREGISTERED}), NOW)
    assert report.devices_removed == 1 and entry.push_status == "sent"
    remaining = db_session.scalars(select(Device.id).where(Device.account_id == citizen.account.id)).all()
    assert remaining == [kept.id] and gone.id not in remaining


def test_no_device_means_nothing_to_push(db_session, people):
    entry = _entry(db_session, people.citizen())
    report = deliver_due(db_session, Recorder(), NOW)
    assert report.skipped == 1 and entry.push_status == "skipped"
    assert db_session.get(Notification, entry.id) is not None


def test_a_permanently_refused_message_is_not_retried(db_session, people):
    citizen = people.citizen()
    save_device(db_session, citizen.account.id, "android", "token-bad-00001")
    entry = _entry(db_session, citizen)
    deliver_due(db_session, Recorder({"token-bad-00001": PushFailed("400", permanent=True)}), NOW)
    assert entry.push_status == "skipped" and entry.push_next_attempt_at is None


def test_backoff_doubles_up_to_a_ceiling():
    import random
    rng = random.Random(7)
    delays = [backoff(n, rng) for n in range(1, 12)]
    assert timedelta(seconds=24) <= delays[0] <= timedelta(seconds=36)
    assert timedelta(seconds=48) <= delays[1] <= timedelta(seconds=72)
    assert max(delays) <= timedelta(hours=2) * 1.2
