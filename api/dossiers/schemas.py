"""Request and response shapes of the dossier endpoints."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api.pagination import PageQuery
from models.dossiers import DossierActorKind, DossierStatus
from services.dossiers.procedures import ONLINE_LEVELS
from services.dossiers.submission import AGENCY_CHANNELS

NOTE = validate.Length(max=2000)
STATES = list(map(str, DossierStatus))


class ProcedureQuery(PageQuery):
    q = ma.fields.String(load_default=None, validate=validate.Length(max=100))
    agency_code = ma.fields.String(load_default=None, validate=validate.Length(max=40))


class ProcedureSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    agency_code = ma.fields.String()
    online_level = ma.fields.String(metadata={"enum": list(ONLINE_LEVELS)})
    processing_days = ma.fields.Integer(metadata={"description": "Business days from receipt"})
    fee = ma.fields.Integer(metadata={"description": "VND"})
    form_schema = ma.fields.Dict(metadata={"description": "JSON Schema of the dossier's form"})


class SubmitSchema(ma.Schema):
    procedure_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    form = ma.fields.Dict(required=True)


class MyDossiersQuery(PageQuery):
    status = ma.fields.String(load_default=None, validate=validate.OneOf(STATES))


class PublicQuery(ma.Schema):
    id_last4 = ma.fields.String(required=True, validate=validate.Regexp(r"^\d{4}$", error="Four digits."))


class WithdrawSchema(ma.Schema):
    reason = ma.fields.String(load_default=None, validate=NOTE)


class SupplementSchema(ma.Schema):
    documents = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=300)),
                               required=True, validate=validate.Length(min=1, max=50))
    note = ma.fields.String(load_default=None, validate=NOTE)
    form = ma.fields.Dict(load_default=None, metadata={"description": "The corrected form, if any"})


class CounterDossierSchema(ma.Schema):
    national_id = ma.fields.String(required=True, validate=validate.Length(max=12))
    full_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The name on the ID card handed in; must match the registry with the number"})
    procedure_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    channel = ma.fields.String(required=True, validate=validate.OneOf(list(map(str, AGENCY_CHANNELS))))
    form = ma.fields.Dict(load_default=None)
    note = ma.fields.String(load_default=None, validate=NOTE)


class TransitionSchema(ma.Schema):
    to = ma.fields.String(required=True, validate=validate.OneOf(STATES))
    note = ma.fields.String(load_default=None, validate=NOTE)
    missing_documents = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=300)),
                                       load_default=None, validate=validate.Length(max=50))


class ExtensionSchema(ma.Schema):
    new_due_at = ma.fields.AwareDateTime(required=True)
    apology = ma.fields.String(required=True, validate=validate.Length(max=4000))


class DossierSummarySchema(ma.Schema):
    code = ma.fields.String()
    procedure_code = ma.fields.String()
    procedure_name = ma.fields.String()
    agency_code = ma.fields.String()
    channel = ma.fields.String()
    status = ma.fields.String(metadata={"enum": STATES})
    status_label = ma.fields.String()
    portal_status = ma.fields.Integer(metadata={"description": "The national portal's status code"})
    submitted_at = ma.fields.DateTime()
    received_at = ma.fields.DateTime(allow_none=True)
    due_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
    on_time = ma.fields.Boolean(allow_none=True)
    is_overdue = ma.fields.Boolean()


class EventSchema(ma.Schema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    portal_status = ma.fields.Integer()
    actor = ma.fields.String(metadata={"enum": list(map(str, DossierActorKind))})
    agency_code = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    missing_documents = ma.fields.List(ma.fields.String(), allow_none=True)
    at = ma.fields.DateTime()


class ExtensionViewSchema(ma.Schema):
    previous_due_at = ma.fields.DateTime()
    new_due_at = ma.fields.DateTime()
    apology = ma.fields.String()
    at = ma.fields.DateTime()


class SupplementRequestSchema(ma.Schema):
    note = ma.fields.String(allow_none=True)
    missing_documents = ma.fields.List(ma.fields.String())
    requested_at = ma.fields.DateTime()


class OwnerSchema(ma.Schema):
    full_name = ma.fields.String()
    national_id_masked = ma.fields.String()


class DossierSchema(DossierSummarySchema):
    original_due_at = ma.fields.DateTime(allow_none=True)
    form = ma.fields.Dict()
    owner = ma.fields.Nested(OwnerSchema)
    supplement_request = ma.fields.Nested(SupplementRequestSchema, allow_none=True)
    timeline = ma.fields.List(ma.fields.Nested(EventSchema))
    extensions = ma.fields.List(ma.fields.Nested(ExtensionViewSchema))
