"""Due dates: business days from receipt, stopped while waiting on the citizen, extended only
with an apology; `on_time` against the statutory date; `is_overdue` derived, never stored."""
from __future__ import annotations

from datetime import datetime, time

from models.dossiers import Dossier, DossierStatus
from services.calendar.business_days import HANOI, add_business_days, business_days_between
from services.dossiers.states import CLOSED


# Results are promised for the end of a working day, as one-stop receipts do.
OFFICE_CLOSES = time(17, 0)


def expected_due(start: datetime, processing_days: int) -> datetime:
    """Closing time of the `processing_days`-th working day after `start` (Hanoi time)."""
    day = add_business_days(start, processing_days).astimezone(HANOI).date()
    return datetime.combine(day, OFFICE_CLOSES, HANOI).astimezone(start.tzinfo)


def start_clock(dossier: Dossier, processing_days: int, now: datetime) -> None:
    """Receipt: the processing days count from now (an online dossier's estimate is replaced)."""
    dossier.received_at = now
    dossier.due_at = dossier.original_due_at = expected_due(now, processing_days)


def pause_clock(dossier: Dossier, now: datetime) -> None:
    dossier.paused_at = now


def resume_clock(dossier: Dossier, now: datetime) -> None:
    """Both due dates move by the business days spent waiting on the citizen."""
    if dossier.paused_at is None:
        return
    waited = business_days_between(dossier.paused_at, now)
    dossier.due_at = add_business_days(dossier.due_at, waited)
    dossier.original_due_at = add_business_days(dossier.original_due_at, waited)
    dossier.paused_at = None


def finish(dossier: Dossier, now: datetime) -> None:
    """A decision: on time when made by the statutory due date, whatever extensions said."""
    dossier.finished_at = now
    dossier.on_time = now <= dossier.original_due_at


def is_overdue(dossier: Dossier, now: datetime) -> bool:
    """Past its due date, not decided, and not waiting on the citizen."""
    waiting = dossier.status in (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUESTED)
    return dossier.status not in CLOSED and not waiting and now > dossier.due_at
