"""What the owner reads in the inbox (and on the phone) when a dossier changes."""
from __future__ import annotations

from models.dossiers import Dossier, DossierStatus
from services.context import Context
from services.dossiers.actors import owner_account_id
from services.dossiers.states import STATE_LABELS
from services.messages import Amount, LazyText, lazy_text
from services.notifications.inbox import notify

KIND_STATUS = "dossier_status"
KIND_EXTENSION = "dossier_extension"
KIND_PAYMENT = "dossier_payment"
KIND_RESULT = "dossier_result"
KIND_RATING = "dossier_rating_invited"


def _send(ctx: Context, dossier: Dossier, *, kind: str, title: LazyText, lines: list[LazyText | str]) -> None:
    account_id = owner_account_id(ctx, dossier)
    if account_id is not None:
        notify(ctx.session, account_id, kind=kind, title=title, body=lines, reference=dossier.code)


def status_changed(ctx: Context, dossier: Dossier, *,
                   note: str | LazyText | None, missing_documents: list[str] | None) -> None:
    missing = (lazy_text("dossier.notice.missing", documents="; ".join(missing_documents))
               if missing_documents else "")
    due = (lazy_text("dossier.notice.due", due_at=dossier.due_at)
           if dossier.status == DossierStatus.RECEIVED else "")
    owed = (lazy_text("dossier.notice.payment_requested.amount", amount=Amount(dossier.amount_due_vnd))
            if dossier.status == DossierStatus.PAYMENT_REQUESTED and dossier.amount_due_vnd else "")
    _send(ctx, dossier, kind=KIND_STATUS,
          title=lazy_text("dossier.notice.status.title", code=dossier.code, state=STATE_LABELS[dossier.status]),
          lines=[dossier.procedure.name, note or "", missing, owed, due])


def due_date_extended(ctx: Context, dossier: Dossier, *, apology: str) -> None:
    _send(ctx, dossier, kind=KIND_EXTENSION,
          title=lazy_text("dossier.notice.extension.title", code=dossier.code),
          lines=[apology, lazy_text("dossier.notice.extension.due", due_at=dossier.due_at)])


def payment_received(ctx: Context, dossier: Dossier, payment) -> None:
    _send(ctx, dossier, kind=KIND_PAYMENT, title=lazy_text("dossier.notice.payment.title", code=dossier.code),
          lines=[dossier.procedure.name, lazy_text("dossier.notice.payment.amount", amount=Amount(payment.amount_vnd)),
                 lazy_text("dossier.notice.payment.receipt", receipt=payment.receipt_number)])


def result_available(ctx: Context, dossier: Dossier) -> None:
    _send(ctx, dossier, kind=KIND_RESULT, title=lazy_text("dossier.notice.result.title", code=dossier.code),
          lines=[dossier.procedure.name, lazy_text("dossier.notice.result.body")])


def rating_invited(ctx: Context, dossier: Dossier) -> None:
    _send(ctx, dossier, kind=KIND_RATING, title=lazy_text("dossier.notice.rating.title", code=dossier.code),
          lines=[dossier.procedure.name, lazy_text("dossier.notice.rating.body")])
