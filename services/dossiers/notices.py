"""What the owner reads in the inbox (and on the phone) when a dossier changes."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from models.dossiers import Dossier, DossierStatus
from models.identity import Role
from models.reference import Resident
from services.calendar.business_days import HANOI
from services.dossiers.states import STATE_LABELS
from services.identity.accounts import find_account
from services.identity.national_id import NationalIdHasher
from services.notifications.inbox import notify

KIND_STATUS = "dossier_status"
KIND_EXTENSION = "dossier_extension"


def local_time(moment: datetime) -> str:
    return moment.astimezone(HANOI).strftime("%H:%M %d/%m/%Y")


def owner_account_id(session: Session, dossier: Dossier, id_hasher: NationalIdHasher) -> uuid.UUID | None:
    """The owner's account; a dossier filed at a counter is linked once its owner has one."""
    if dossier.owner_account_id is None:
        resident = session.get(Resident, dossier.owner_resident_id)
        account = find_account(session, id_hasher, resident.national_id) if resident else None
        if account is not None and account.role == Role.CITIZEN:
            dossier.owner_account_id = account.id
    return dossier.owner_account_id


def _send(session: Session, dossier: Dossier, id_hasher: NationalIdHasher, *, kind: str,
          title: str, lines: list[str]) -> None:
    account_id = owner_account_id(session, dossier, id_hasher)
    if account_id is not None:
        notify(session, account_id, kind=kind, title=title[:200],
               body="\n".join(line for line in lines if line), reference=dossier.code)


def status_changed(session: Session, dossier: Dossier, id_hasher: NationalIdHasher, *,
                   note: str | None, missing_documents: list[str] | None) -> None:
    missing = "Cần bổ sung: " + "; ".join(missing_documents) if missing_documents else ""
    due = f"Hẹn trả kết quả: {local_time(dossier.due_at)}" if dossier.status == DossierStatus.RECEIVED else ""
    _send(session, dossier, id_hasher, kind=KIND_STATUS,
          title=f"Hồ sơ {dossier.code}: {STATE_LABELS[dossier.status]}",
          lines=[dossier.procedure.name, note or "", missing, due])


def due_date_extended(session: Session, dossier: Dossier, id_hasher: NationalIdHasher, *,
                      apology: str) -> None:
    _send(session, dossier, id_hasher, kind=KIND_EXTENSION,
          title=f"Hồ sơ {dossier.code}: hẹn trả kết quả mới",
          lines=[apology, f"Hẹn trả kết quả mới: {local_time(dossier.due_at)}"])
