"""What the owner reads in the inbox (and on the phone) when a dossier changes."""
from __future__ import annotations

from datetime import datetime

from models.dossiers import Dossier, DossierStatus
from services.calendar.business_days import HANOI
from services.context import Context
from services.dossiers.actors import owner_account_id
from services.dossiers.states import STATE_LABELS
from services.notifications.inbox import notify

KIND_STATUS = "dossier_status"
KIND_EXTENSION = "dossier_extension"
KIND_PAYMENT = "dossier_payment"
KIND_RESULT = "dossier_result"
KIND_RATING = "dossier_rating_invited"


def local_time(moment: datetime) -> str:
    return moment.astimezone(HANOI).strftime("%H:%M %d/%m/%Y")


def _send(ctx: Context, dossier: Dossier, *, kind: str, title: str, lines: list[str]) -> None:
    account_id = owner_account_id(ctx, dossier)
    if account_id is not None:
        notify(ctx.session, account_id, kind=kind, title=title[:200],
               body="\n".join(line for line in lines if line), reference=dossier.code)


def status_changed(ctx: Context, dossier: Dossier, *,
                   note: str | None, missing_documents: list[str] | None) -> None:
    missing = "Cần bổ sung: " + "; ".join(missing_documents) if missing_documents else ""
    due = f"Hẹn trả kết quả: {local_time(dossier.due_at)}" if dossier.status == DossierStatus.RECEIVED else ""
    _send(ctx, dossier, kind=KIND_STATUS,
          title=f"Hồ sơ {dossier.code}: {STATE_LABELS[dossier.status]}",
          lines=[dossier.procedure.name, note or "", missing, due])


def due_date_extended(ctx: Context, dossier: Dossier, *, apology: str) -> None:
    _send(ctx, dossier, kind=KIND_EXTENSION,
          title=f"Hồ sơ {dossier.code}: hẹn trả kết quả mới",
          lines=[apology, f"Hẹn trả kết quả mới: {local_time(dossier.due_at)}"])


def payment_received(ctx: Context, dossier: Dossier, payment) -> None:
    _send(ctx, dossier, kind=KIND_PAYMENT, title=f"Hồ sơ {dossier.code}: đã nhận phí, lệ phí",
          lines=[dossier.procedure.name, f"Số tiền: {payment.amount_vnd} VND",
                 f"Biên lai điện tử số {payment.receipt_number}"])


def result_available(ctx: Context, dossier: Dossier) -> None:
    _send(ctx, dossier, kind=KIND_RESULT, title=f"Hồ sơ {dossier.code}: đã có kết quả điện tử",
          lines=[dossier.procedure.name, "Kết quả điện tử có chữ ký số của cơ quan đã sẵn sàng để tải về."])


def rating_invited(ctx: Context, dossier: Dossier) -> None:
    _send(ctx, dossier, kind=KIND_RATING, title=f"Hồ sơ {dossier.code}: mời ông/bà đánh giá",
          lines=[dossier.procedure.name,
                 "Hồ sơ đã có kết quả giải quyết. Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ."])
