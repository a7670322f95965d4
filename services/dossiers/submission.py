"""New dossiers: filed online by the citizen, or registered by an agency at a counter or by post."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.data_access import DataArea
from models.dossiers import Dossier, DossierActorKind, DossierChannel, DossierStatus, Procedure
from models.identity import Role
from models.reference import Agency, Resident
from services.context import Context
from services.data_access import tracker
from services.data_access.bindings import StaffAction, check_bound
from services.dossiers import codes, deadlines, filing_place, notices, prefill, views
from services.dossiers.actors import Actor, acting_agency, resident_of
from services.dossiers.forms import check_form
from services.dossiers.procedures import fee_online, get_procedure
from services.dossiers.transitions import Note, record, written_note
from services.errors import Conflict, ValidationFailed
from services.identity import national_id as cccd
from services.identity.accounts import current_account, find_account
from services.identity.names import same_name
from services.reference.addresses import home_unit_code
from services.reference.agency_timeline import hanoi_day
from services.messages import lazy_text

AGENCY_CHANNELS = (DossierChannel.COUNTER, DossierChannel.POST)


def _new_dossier(ctx: Context, procedure: Procedure, resident: Resident, *, channel: DossierChannel,
                 form: dict[str, Any], account_id, status: DossierStatus, deciding: Agency,
                 centre: Agency | None = None) -> Dossier:
    session, now = ctx.session, ctx.clock.now()
    home = home_unit_code(resident, on=hanoi_day(now))
    due = deadlines.expected_due(now, procedure.processing_days)
    dossier = Dossier(code=codes.next_code(session, deciding.code, now),
                      procedure_code=procedure.code, agency_code=deciding.code,
                      receiving_centre_code=centre.code if centre else None,
                      receiving_unit_code=centre.unit_code if centre else None,
                      owner_account_id=account_id, owner_resident_id=resident.id,
                      district_code=home, channel=channel, status=status,
                      form=form, submitted_at=now, received_at=now if status == DossierStatus.RECEIVED else None,
                      due_at=due, original_due_at=due, updated_at=now)
    session.add(dossier)
    session.flush()
    return dossier


def submit_online(ctx: Context, *, procedure_code: str, form: dict[str, Any],
                  receiving_unit_code: str | None = None,
                  receiving_centre_code: str | None = None) -> views.DossierDetail:
    """A citizen files a dossier, at the service centre they pick anywhere in the city (or
    straight with the deciding agency); `due_at` is an estimate until it is received.

    With a payment gateway configured, a procedure with a fee is filed `payment_requested`
    and becomes `submitted` when paid (services/dossiers/payments.py); without one, the fee
    is paid at the counter as before."""
    dossier = file_online(ctx, procedure_code=procedure_code, form=form, receiving_unit_code=receiving_unit_code,
                          receiving_centre_code=receiving_centre_code)
    return views.detail(ctx.session, dossier, staff=False)


def file_online(ctx: Context, *, procedure_code: str, form: dict[str, Any], receiving_unit_code: str | None = None,
                receiving_centre_code: str | None = None) -> Dossier:
    """The dossier row of `submit_online`, filed with its history row and the owner's notice."""
    session, day = ctx.session, hanoi_day(ctx.clock.now())
    account = current_account(ctx)
    resident = resident_of(session, account)
    if resident is None:
        raise Conflict(lazy_text("dossiers.submission.account_population_registry"), code="not_in_registry")
    procedure = get_procedure(session, procedure_code)
    form = prefill.with_registry_values(procedure.form_schema, form, prefill.Filer(resident, account, day))
    check_form(procedure.form_schema, form)
    centre = filing_place.receiving_centre(session, day, receiving_unit_code, receiving_centre_code)
    deciding = filing_place.deciding_agency(session, procedure, day, centre.unit_code if centre else None)
    fee = fee_online(procedure)
    owes = fee if fee > 0 and ctx.settings.payment_gateway_url else None
    dossier = _new_dossier(ctx, procedure, resident, channel=DossierChannel.ONLINE, form=form,
                           account_id=account.id,
                           status=DossierStatus.PAYMENT_REQUESTED if owes else DossierStatus.SUBMITTED,
                           deciding=deciding, centre=centre)
    dossier.amount_due_vnd = owes
    record(session, dossier, None, Actor(DossierActorKind.OWNER, account.id))
    notices.status_changed(ctx, dossier, note=None, missing_documents=None)
    return dossier


def _registry_resident(session: Session, national_id: str, full_name: str) -> Resident:
    """The resident whose ID number and name (as on the card handed in) both match.

    An unknown number and a known number with another name get the same answer, so the
    counter never learns a name or who is in the registry.
    """
    cccd.check(national_id, None)
    resident = session.scalar(select(Resident).where(Resident.national_id == national_id))
    if resident is None or not same_name(resident.full_name, full_name):
        raise ValidationFailed.on_field("national_id", lazy_text("dossiers.submission.resident_not_matched"),
                                        "resident_not_matched")
    return resident


def register_received(ctx: Context, *, national_id: str, full_name: str, procedure_code: str, channel: str,
                      form: dict[str, Any] | None = None, note: Note | None = None) -> views.DossierDetail:
    """An agency registers a dossier handed in at its counter or sent by post: received now.
    `note` is the officer's own words, or a system text (a catalogue LazyText) kept in Vietnamese
    in the history and told to the owner in their language."""
    session, actor, day = ctx.session, acting_agency(ctx), hanoi_day(ctx.clock.now())
    if channel not in AGENCY_CHANNELS:
        raise ValidationFailed.on_field("channel", lazy_text("dossiers.submission.one_items_s", items=', '.join(AGENCY_CHANNELS)))
    procedure = get_procedure(session, procedure_code)
    here = session.get(Agency, actor.agency_code)
    centre = here if here is not None and here.level == "centre" else None
    deciding = filing_place.deciding_agency(session, procedure, day, centre.unit_code if centre else None)
    check_bound(ctx, StaffAction.FILE_COUNTER_DOSSIER, frozenset({deciding.code, centre.code if centre else deciding.code}))
    resident = _registry_resident(session, national_id, full_name)
    account = find_account(session, ctx.id_hasher, national_id)
    owner = account if account and account.role == Role.CITIZEN else None
    if form:
        form = prefill.with_registry_values(procedure.form_schema, form, prefill.Filer(resident, owner, day))
        check_form(procedure.form_schema, form)
    dossier = _new_dossier(ctx, procedure, resident, channel=DossierChannel(channel), form=form or {},
                           account_id=owner.id if owner else None,
                           status=DossierStatus.RECEIVED, deciding=deciding, centre=centre)
    note = written_note(note)
    record(session, dossier, None, actor, note=note)
    notices.status_changed(ctx, dossier, note=note, missing_documents=None)
    tracker.record(ctx, national_id, DataArea.DOSSIERS, "counter_dossier_filed", dossier.code)
    return views.detail(session, dossier, staff=True)
