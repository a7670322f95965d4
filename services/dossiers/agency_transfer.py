"""`agencies transfer --at DAY`: dossiers still open at an agency that ended before DAY go to its
successor (for a district committee, the commune committee of the dossier's receiving unit, else
the default one), each with a history row. A moved dossier is no longer at the ended agency, so
a second run finds nothing; the caller commits the whole run or nothing."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from models.dossiers import Dossier, DossierActorKind
from models.reference import Agency
from services.context import Context
from services.dossiers.actors import Actor
from services.dossiers.states import CLOSED
from services.dossiers.transitions import record
from services.messages import lazy_text
from services.reference.agency_timeline import open_agency


def transfer_open_dossiers(ctx: Context, at: date) -> Counter[tuple[str, str]]:
    """Move the open dossiers of every agency ended before `at`; (from, to) agency code -> count."""
    session, now, moved = ctx.session, ctx.clock.now(), Counter()
    for agency in session.scalars(select(Agency).where(Agency.valid_to < at).order_by(Agency.code)):
        open_dossiers = session.scalars(select(Dossier).where(Dossier.agency_code == agency.code,
                                                              Dossier.status.not_in(CLOSED))
                                        .order_by(Dossier.id).with_for_update(of=Dossier))
        for dossier in open_dossiers:
            successor = open_agency(session, agency, at, [dossier.receiving_unit_code])
            if successor.code != agency.code:
                _hand_over(ctx, dossier, agency, successor, now)
                moved[(agency.code, successor.code)] += 1
    session.flush()
    return moved


def _hand_over(ctx: Context, dossier: Dossier, ended: Agency, successor: Agency, now) -> None:
    dossier.agency_code, dossier.updated_at = successor.code, now
    note = lazy_text("dossier.note.transferred", ended=ended.name, ended_on=ended.valid_to, successor=successor.name)
    record(ctx.session, dossier, dossier.status, Actor(DossierActorKind.TRANSFER, None, successor.code), note=note)
