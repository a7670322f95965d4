"""The push worker: send pending inbox entries to the owner's devices, retrying with backoff.

The inbox entry is never removed or hidden by delivery; only its push state changes:
pending -> sent | skipped (no device took it) | failed (retries used up). Rows are claimed
with FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers share the queue. A device
that already took an entry is remembered while the entry is retried for another device.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.notifications import Device, Notification, PushStatus
from models.push import PushReceipt
from services.notifications.push import PushFailed, PushMessage, PushOutcome, PushSender

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)


@dataclass
class DeliveryReport:
    claimed: int = 0
    pushes_sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    devices_removed: int = 0


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """30 s, 1 min, 2 min ... up to 2 h after the n-th failed attempt, with ±20 % jitter."""
    delay = min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(attempts - 1, 0))
    return delay * (0.8 + 0.4 * (rng or random).random())


def claim_due(session: Session, now: datetime, limit: int) -> list[Notification]:
    stmt = (select(Notification)
            .where(Notification.push_status == PushStatus.PENDING, Notification.push_next_attempt_at <= now)
            .order_by(Notification.push_next_attempt_at, Notification.id)
            .limit(limit).with_for_update(skip_locked=True))
    return list(session.scalars(stmt))


def _message(entry: Notification, device: Device) -> PushMessage:
    return PushMessage(token=device.push_token, platform=device.platform, title=entry.title,
                       body=entry.body[:1000], data={"notification_id": str(entry.id), "kind": entry.kind,
                                                     "reference": entry.reference or ""})


def _push(sender: PushSender, entry: Notification, device: Device) -> PushOutcome | PushFailed:
    try:
        return sender.send(_message(entry, device))
    except PushFailed as failure:
        return failure
    except Exception as exc:  # a sender bug must not lose the entry: retry it like an outage
        log.exception("push sender crashed")
        return PushFailed(f"sender crashed: {exc.__class__.__name__}")


def deliver_entry(session: Session, sender: PushSender, entry: Notification, now: datetime,
                  report: DeliveryReport) -> None:
    devices = list(session.scalars(select(Device).where(Device.account_id == entry.account_id)
                                   .order_by(Device.id)))
    already = set(session.scalars(select(PushReceipt.device_id).where(PushReceipt.notification_id == entry.id)))
    delivered, retry_after = list(already), None
    transient: list[PushFailed] = []
    for device in (d for d in devices if d.id not in already):
        outcome = _push(sender, entry, device)
        if outcome is PushOutcome.UNREGISTERED:
            session.delete(device)
            report.devices_removed += 1
        elif outcome is PushOutcome.SENT:
            session.add(PushReceipt(notification_id=entry.id, device_id=device.id, sent_at=now))
            delivered.append(device.id)
            report.pushes_sent += 1
        elif outcome.permanent:
            log.warning("push to device %s dropped: %s", device.id, outcome)
        else:
            transient.append(outcome)
            retry_after = max(retry_after or 0, outcome.retry_after or 0) or None
    entry.push_attempts += 1
    if transient and entry.push_attempts < MAX_ATTEMPTS:
        wait = max(backoff(entry.push_attempts), timedelta(seconds=retry_after or 0))
        entry.push_next_attempt_at = now + wait
        report.retried += 1
        return
    entry.push_status = PushStatus.FAILED if transient else (PushStatus.SENT if delivered else PushStatus.SKIPPED)
    entry.push_next_attempt_at = None
    report.failed += entry.push_status == PushStatus.FAILED
    report.skipped += entry.push_status == PushStatus.SKIPPED
    session.flush()
    session.execute(delete(PushReceipt).where(PushReceipt.notification_id == entry.id))


def deliver_due(session: Session, sender: PushSender, now: datetime, *, limit: int = 100) -> DeliveryReport:
    """Push up to `limit` entries that are due; the caller commits."""
    report = DeliveryReport()
    for entry in claim_due(session, now, limit):
        report.claimed += 1
        deliver_entry(session, sender, entry, now, report)
    session.flush()
    return report
