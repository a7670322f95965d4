"""`flask payments reconcile --date D`: the gateway's statement against what was recorded.

The caller gives the statement lines of day D and the payments it holds that are either
recorded as paid on D (Hanoi time) or named by a statement line; every difference is listed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services.payments.gateway import SettledStatus, StatementLine


@dataclass(frozen=True)
class Recorded:
    gateway_ref: str
    amount_vnd: int
    status: str  # services.payments.settlement.PaymentStatus


class Gap(StrEnum):
    UNKNOWN_PAYMENT = "unknown_payment"            # the gateway took money for a payment we never created
    NOT_RECORDED_AS_PAID = "not_recorded_as_paid"  # paid at the gateway, its callback never applied
    NOT_IN_STATEMENT = "not_in_statement"          # recorded paid, the gateway has no such money
    AMOUNT_DIFFERS = "amount_differs"


@dataclass(frozen=True)
class Difference:
    gap: Gap
    gateway_ref: str
    recorded_vnd: int | None
    statement_vnd: int | None


def _gap(line: StatementLine | None, mine: Recorded | None) -> Gap | None:
    if mine is None:
        return Gap.UNKNOWN_PAYMENT
    if line is None:
        return Gap.NOT_IN_STATEMENT if mine.status == SettledStatus.PAID else None
    if mine.status != SettledStatus.PAID:
        return Gap.NOT_RECORDED_AS_PAID
    return Gap.AMOUNT_DIFFERS if line.amount_vnd != mine.amount_vnd else None


def reconcile(statement: Iterable[StatementLine], recorded: Iterable[Recorded]) -> list[Difference]:
    lines = {line.gateway_ref: line for line in statement if line.status == SettledStatus.PAID}
    mine = {payment.gateway_ref: payment for payment in recorded}
    differences = []
    for ref in sorted(lines.keys() | mine.keys()):
        line, held = lines.get(ref), mine.get(ref)
        if gap := _gap(line, held):
            differences.append(Difference(gap, ref, held.amount_vnd if held else None,
                                          line.amount_vnd if line else None))
    return differences
