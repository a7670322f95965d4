"""The moves owners and agencies ask for through the API, and due-date extensions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from models.dossiers import DossierExtension, DossierStatus
from models.identity import Account
from models.reference import Resident
from services.context import Context
from services.dossiers import application, notices, prefill, views
from services.dossiers.actors import acting_agency, check_agency, owner_actor
from services.dossiers.documents import check_supplied
from services.dossiers.forms import check_form
from services.dossiers.results import require_result
from services.dossiers.states import CLOSED
from services.dossiers.transitions import lock_dossier, move, require_move
from services.errors import Conflict, ValidationFailed
from services.reference.agency_timeline import hanoi_day
from services.messages import LazyText, lazy_text


def withdraw(ctx: Context, code: str, *, reason: str | None = None) -> views.DossierDetail:
    dossier = lock_dossier(ctx.session, code)
    move(ctx, dossier, DossierStatus.WITHDRAWN, owner_actor(ctx, dossier), note=reason)
    return views.detail(ctx.session, dossier, staff=False)


def supplement(ctx: Context, code: str, *, documents: list[str], note: str | None = None,
               form: dict[str, Any] | None = None) -> views.DossierDetail:
    """The owner hands in what was asked for; processing resumes (its clock too)."""
    dossier = lock_dossier(ctx.session, code)
    actor = owner_actor(ctx, dossier)
    require_move(dossier, DossierStatus.PROCESSING, actor)
    check_supplied(ctx, dossier)
    if form is not None:
        schema = dossier.procedure.form_schema
        filer = prefill.Filer(ctx.session.get(Resident, dossier.owner_resident_id),
                              ctx.session.get(Account, dossier.owner_account_id) if dossier.owner_account_id else None,
                              hanoi_day(ctx.clock.now()))
        form = prefill.with_registry_values(schema, form, filer)
        check_form(schema, form)
        dossier.form = form
    supplied = "; ".join(d.strip() for d in documents if d.strip())
    own_words = (note or "").strip()
    move(ctx, dossier, DossierStatus.PROCESSING, actor,
         note=(lazy_text("dossier.note.supplied_with_note", documents=supplied, note=own_words) if own_words
               else lazy_text("dossier.note.supplied", documents=supplied)))
    return views.detail(ctx.session, dossier, staff=False)


def transition(ctx: Context, code: str, *, to: str, note: str | None = None,
               missing_documents: list[str] | None = None, amount_vnd: int | None = None) -> views.DossierDetail:
    actor = acting_agency(ctx)
    dossier = lock_dossier(ctx.session, code)
    check_agency(dossier, actor, (dossier.status, to))
    require_move(dossier, to, actor)
    if (to == DossierStatus.PAYMENT_REQUESTED) != (amount_vnd is not None):
        raise ValidationFailed.on_field("amount_vnd", lazy_text("dossiers.actions.amount_vnd_goes_payment"),
                                        "amount_required")
    if amount_vnd is not None:
        dossier.amount_due_vnd = amount_vnd
    require_result(ctx.session, dossier, to)
    if to == DossierStatus.RECEIVED:
        application.require_signed_application(ctx, dossier)
    move(ctx, dossier, to, actor, note=note, missing_documents=missing_documents)
    return views.detail(ctx.session, dossier, staff=True)


def extend(ctx: Context, code: str, *, new_due_at: datetime, apology: str) -> views.DossierDetail:
    """A later due date, only with an apology letter to the citizen; on_time is unaffected."""
    session, now, actor = ctx.session, ctx.clock.now(), acting_agency(ctx)
    dossier = lock_dossier(session, code)
    check_agency(dossier, actor)
    if dossier.status in CLOSED:
        raise Conflict(lazy_text("dossiers.actions.decided_closed_dossier_no"), code="dossier_closed")
    errors: dict[str, list[LazyText]] = {}
    if not apology.strip():
        errors["apology"] = [lazy_text("dossier.extension.apology_required")]
    if new_due_at <= dossier.due_at:
        errors["new_due_at"] = [lazy_text("dossier.extension.after_due_date", due_at=dossier.due_at)]
    elif new_due_at <= now:
        errors["new_due_at"] = [lazy_text("dossier.extension.in_the_future")]
    if errors:
        raise ValidationFailed(lazy_text("dossiers.actions.extension_valid"), errors=errors, code="invalid_extension")
    session.add(DossierExtension(dossier_id=dossier.id, previous_due_at=dossier.due_at,
                                 new_due_at=new_due_at, apology=apology.strip(), actor_kind=actor.kind,
                                 actor_account_id=actor.account_id, actor_agency_code=actor.agency_code,
                                 created_at=now))
    dossier.due_at, dossier.updated_at = new_due_at, now
    notices.due_date_extended(ctx, dossier, apology=apology.strip())
    session.flush()
    return views.detail(session, dossier, staff=True)
