"""What a verified gateway callback does to a recorded payment: one table, so retries are harmless.

Gateways send a callback until they get a 2xx, and may send it again later; a late `paid`
after `expired` is money that did arrive. The signature is checked before this (gateway.py).
"""
from __future__ import annotations

from enum import StrEnum

from models.payments import PaymentStatus
from services.errors import ValidationFailed
from services.payments.gateway import Callback, SettledStatus
from services.messages import lazy_text


class Outcome(StrEnum):
    APPLY = "apply"          # record the callback's status (and paid_at)
    DUPLICATE = "duplicate"  # already recorded: answer 2xx, change nothing
    STALE = "stale"          # an older news than what is recorded: answer 2xx, change nothing


_P, _F, _E = SettledStatus.PAID, SettledStatus.FAILED, SettledStatus.EXPIRED
# (recorded status, callback status) -> outcome
OUTCOME = {
    (PaymentStatus.PENDING, _P): Outcome.APPLY,
    (PaymentStatus.PENDING, _F): Outcome.APPLY,
    (PaymentStatus.PENDING, _E): Outcome.APPLY,
    (PaymentStatus.PAID, _P): Outcome.DUPLICATE,
    (PaymentStatus.PAID, _F): Outcome.STALE,
    (PaymentStatus.PAID, _E): Outcome.STALE,
    (PaymentStatus.FAILED, _P): Outcome.APPLY,    # paid on a retry after a failed attempt
    (PaymentStatus.FAILED, _F): Outcome.DUPLICATE,
    (PaymentStatus.FAILED, _E): Outcome.STALE,
    (PaymentStatus.EXPIRED, _P): Outcome.APPLY,   # the money arrived late: it is still paid
    (PaymentStatus.EXPIRED, _F): Outcome.STALE,
    (PaymentStatus.EXPIRED, _E): Outcome.DUPLICATE,
}


def settle(recorded: PaymentStatus, amount_vnd: int, callback: Callback) -> Outcome:
    """The outcome of a callback for a payment recorded with `recorded` status and amount.

    A `paid` whose amount is not the recorded one is refused (422 callback_amount_mismatch):
    the dossier is not paid, and reconciliation lists the difference.
    """
    if callback.status == SettledStatus.PAID and callback.amount_vnd != amount_vnd:
        raise ValidationFailed(lazy_text("payments.settlement.gateway_reports_amount_vnd", amount_vnd=callback.amount_vnd, amount_vnd2=amount_vnd),
                               code="callback_amount_mismatch", expected_vnd=amount_vnd,
                               reported_vnd=callback.amount_vnd)
    return OUTCOME[(PaymentStatus(recorded), callback.status)]
