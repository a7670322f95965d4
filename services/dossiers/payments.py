"""Fees paid online: a payment at the gateway for what a dossier owes, its callback, the receipt.

A dossier owes `amount_due_vnd` while it is `payment_requested` (filed with a fee, or asked for
by its agency). `create` opens a payment at the gateway and answers a VietQR for it; the
gateway's signed callback settles it (services/payments/settlement.py: OUTCOME), and the first
`paid` takes the dossier back to the state it was asked from, with a receipt number.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select

from models.dossiers import Dossier, DossierActorKind, DossierEvent, DossierStatus
from models.payments import Payment, PaymentStatus
from models.reference import Agency, Resident
from services.calendar.business_days import HANOI
from services.context import Context
from services.documents.pdf_render import Receipt, receipt_pdf
from services.dossiers import notices
from services.dossiers.actors import Actor, owner_actor, readable_dossier, staff_read
from services.dossiers.transitions import lock_dossier, move
from services.errors import Conflict, NotFound
from services.pagination import Page, paginate
from services.payments import reconciliation
from services.payments.gateway import PaymentGateway, SettledStatus
from services.payments.settlement import Outcome, settle
from services.payments.vietqr import payment_reference, vietqr_payload
from services.messages import Amount, lazy_text


@dataclass(frozen=True)
class ReceiptFile:
    number: str
    content: bytes


def _gateway(gateway: PaymentGateway | None) -> PaymentGateway:
    if gateway is None:
        raise Conflict(lazy_text("dossiers.payments.fees_paid_counter_here"),
                       code="payments_unavailable")
    return gateway


def _owed(ctx: Context, dossier: Dossier) -> int:
    if dossier.status == DossierStatus.PAYMENT_REQUESTED and dossier.amount_due_vnd:
        return dossier.amount_due_vnd
    paid = ctx.session.scalar(select(Payment.id).where(Payment.dossier_id == dossier.id,
                                                       Payment.status == PaymentStatus.PAID).limit(1))
    if paid is not None:
        raise Conflict(lazy_text("dossiers.payments.dossier_s_fee_already"), code="already_paid", current=str(dossier.status))
    raise Conflict(lazy_text("dossiers.payments.dossier_owes_nothing"), code="nothing_owed", current=str(dossier.status))


def create(ctx: Context, gateway: PaymentGateway | None, code: str) -> Payment:
    """The owner starts paying what the dossier owes: a payment at the gateway and its VietQR."""
    session, now = ctx.session, ctx.clock.now()
    dossier = lock_dossier(session, code)
    owner_actor(ctx, dossier)
    amount = _owed(ctx, dossier)
    gateway = _gateway(gateway)
    count = len(session.scalars(select(Payment.id).where(Payment.dossier_id == dossier.id)).all())
    reference = payment_reference(f"HS{dossier.id} L{count + 1}")
    created = gateway.create_payment(reference=reference, amount_vnd=amount,
                                     description=f"Phí hồ sơ {dossier.code}",
                                     callback_url=ctx.settings.payment_callback_url)
    payment = Payment(dossier_id=dossier.id, gateway=gateway.name, gateway_ref=created.gateway_ref,
                      reference=reference, amount_vnd=amount, status=PaymentStatus.PENDING,
                      qr_payload=vietqr_payload(bank_bin=ctx.settings.payment_bank_bin,
                                                account=ctx.settings.payment_bank_account,
                                                amount_vnd=amount, reference=reference),
                      pay_url=created.pay_url, expires_at=created.expires_at, created_at=now, updated_at=now)
    session.add(payment)
    session.flush()
    return payment


def _asked_from(session, dossier: Dossier) -> DossierStatus:
    """The state the dossier was in when the payment was asked for (filed unpaid: submitted)."""
    asked = session.scalar(select(DossierEvent).where(
        DossierEvent.dossier_id == dossier.id, DossierEvent.to_status == DossierStatus.PAYMENT_REQUESTED)
        .order_by(DossierEvent.id.desc()).limit(1))
    return DossierStatus(asked.from_status) if asked and asked.from_status else DossierStatus.SUBMITTED


def _paid(ctx: Context, payment: Payment, paid_at: datetime | None) -> None:
    now = ctx.clock.now()
    payment.paid_at = paid_at or now
    payment.receipt_number = f"BL{payment.paid_at.astimezone(HANOI):%Y}-{payment.id:08d}"
    dossier = lock_dossier(ctx.session, ctx.session.get(Dossier, payment.dossier_id).code)
    if dossier.status == DossierStatus.PAYMENT_REQUESTED:
        owner = Actor(DossierActorKind.OWNER, dossier.owner_account_id)
        dossier.amount_due_vnd = None
        move(ctx, dossier, _asked_from(ctx.session, dossier), owner,
             note=lazy_text("dossier.note.paid", amount=Amount(payment.amount_vnd), receipt=payment.receipt_number))
    notices.payment_received(ctx, dossier, payment)


def receive_callback(ctx: Context, gateway: PaymentGateway | None, name: str, body: bytes,
                     signature: str | None) -> Payment:
    """A gateway's callback: signature (401, nothing recorded), amount (422), then the table."""
    if gateway is None or gateway.name != name:
        raise NotFound(lazy_text("dossiers.payments.no_such_payment_gateway"), code="unknown_gateway")
    callback = gateway.verify_callback(body, signature)
    payment = ctx.session.scalar(select(Payment).where(Payment.gateway_ref == callback.gateway_ref)
                                 .with_for_update())
    if payment is None:
        raise NotFound(lazy_text("dossiers.payments.no_payment_reference"), code="payment_not_found")
    if settle(payment.status, payment.amount_vnd, callback) == Outcome.APPLY:
        payment.status, payment.updated_at = PaymentStatus(callback.status.value), ctx.clock.now()
        if callback.status == SettledStatus.PAID:
            _paid(ctx, payment, callback.paid_at)
        ctx.session.flush()
    return payment


def receipt(ctx: Context, code: str, payment_id: int) -> ReceiptFile:
    """The electronic receipt of a paid payment, for the owner or the agency's officers."""
    dossier = readable_dossier(ctx, code)
    payment = ctx.session.get(Payment, payment_id)
    if payment is None or payment.dossier_id != dossier.id or payment.receipt_number is None:
        raise NotFound(lazy_text("dossiers.payments.no_receipt_payment"), code="receipt_not_found")
    staff_read(ctx, dossier, "receipt_downloaded")
    payer = ctx.session.get(Resident, dossier.owner_resident_id)
    agency = ctx.session.get(Agency, dossier.agency_code)
    return ReceiptFile(payment.receipt_number, receipt_pdf(Receipt(
        number=payment.receipt_number, payer=payer.full_name, procedure=dossier.procedure.name,
        amount_vnd=payment.amount_vnd, paid_at=payment.paid_at, agency=agency.name if agency else ""),
        ctx.language))


def list_payments(ctx: Context, code: str, *, limit: int, cursor: str | None) -> Page[Payment]:
    """The dossier's payments, oldest first, a page at a time like every list."""
    dossier = readable_dossier(ctx, code)
    return paginate(ctx.session, select(Payment).where(Payment.dossier_id == dossier.id), [Payment.id],
                    limit=limit, cursor=cursor, descending=False)


def reconcile(ctx: Context, gateway: PaymentGateway | None, day: date) -> list[reconciliation.Difference]:
    """The gateway's statement of `day` (Hanoi) against the payments recorded paid that day."""
    statement = _gateway(gateway).statement(day)
    start = datetime.combine(day, time.min, HANOI)
    refs = [line.gateway_ref for line in statement]
    held = ctx.session.scalars(select(Payment).where(or_(
        Payment.gateway_ref.in_(refs), (Payment.paid_at >= start) & (Payment.paid_at < start + timedelta(days=1)))))
    return reconciliation.reconcile(statement, [reconciliation.Recorded(p.gateway_ref, p.amount_vnd, p.status)
                                                for p in held])
