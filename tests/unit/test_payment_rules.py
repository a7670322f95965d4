"""What a callback does to a recorded payment, and what reconciliation reports."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.errors import ValidationFailed
from services.payments.gateway import Callback, SettledStatus, StatementLine
from services.payments.reconciliation import Difference, Gap, Recorded, reconcile
from services.payments.settlement import OUTCOME, Outcome, PaymentStatus, settle

AT = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)


def _callback(status: str, amount: int = 50_000) -> Callback:
    return Callback("G1", amount, SettledStatus(status), AT if status == "paid" else None)


def test_every_recorded_status_meets_every_callback_status():
    assert set(OUTCOME) == {(r, c) for r in PaymentStatus for c in SettledStatus}


@pytest.mark.parametrize("recorded, incoming, outcome", [
    ("pending", "paid", Outcome.APPLY),
    ("pending", "expired", Outcome.APPLY),
    ("paid", "paid", Outcome.DUPLICATE),      # the same callback twice
    ("paid", "failed", Outcome.STALE),        # nothing undoes a payment
    ("expired", "paid", Outcome.APPLY),       # late money is still money
    ("failed", "failed", Outcome.DUPLICATE),
])
def test_a_callback_applies_once_and_never_undoes_a_payment(recorded, incoming, outcome):
    assert settle(PaymentStatus(recorded), 50_000, _callback(incoming)) == outcome


def test_a_paid_callback_of_another_amount_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        settle(PaymentStatus.PENDING, 50_000, _callback("paid", 5_000))
    assert caught.value.code == "callback_amount_mismatch"
    assert caught.value.extra == {"expected_vnd": 50_000, "reported_vnd": 5_000}
    # a failed or expired attempt carries no money to check
    assert settle(PaymentStatus.PENDING, 50_000, _callback("failed", 5_000)) == Outcome.APPLY


def _line(ref: str, amount: int) -> StatementLine:
    return StatementLine(ref, "IHN", amount, SettledStatus.PAID, AT)


def test_reconciliation_lists_every_difference_and_nothing_else():
    statement = [_line("A", 100), _line("B", 200), _line("C", 300), _line("D", 400)]
    recorded = [Recorded("A", 100, "paid"), Recorded("B", 200, "pending"), Recorded("C", 350, "paid"),
                Recorded("E", 500, "paid"), Recorded("F", 600, "expired")]
    assert reconcile(statement, recorded) == [
        Difference(Gap.NOT_RECORDED_AS_PAID, "B", 200, 200),
        Difference(Gap.AMOUNT_DIFFERS, "C", 350, 300),
        Difference(Gap.UNKNOWN_PAYMENT, "D", None, 400),
        Difference(Gap.NOT_IN_STATEMENT, "E", 500, None),
    ]
    assert reconcile([_line("A", 100)], [Recorded("A", 100, "paid")]) == []
