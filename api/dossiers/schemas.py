"""Request and response shapes of the dossier endpoints."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from api.language import CatalogueText
from api.pagination import PageQuery
from api.signatures.multipart import FileParts
from models.dossiers import DossierActorKind, DossierStatus
from services.dossiers.procedures import ONLINE_LEVELS
from services.dossiers.submission import AGENCY_CHANNELS
from services.dossiers.submission_documents import FilePart

NOTE = validate.Length(max=2000)
STATES = list(map(str, DossierStatus))


class ProcedureQuery(PageQuery):
    q = ma.fields.String(load_default=None, validate=validate.Length(max=100))
    agency_code = ma.fields.String(load_default=None, validate=validate.Length(max=40))


class ComponentSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    required = ma.fields.Boolean()
    types = ma.fields.List(ma.fields.String(), metadata={"description": "Accepted media types"})
    max_bytes = ma.fields.Integer(allow_none=True, metadata={"description": "null: DOCUMENT_MAX_BYTES"})
    copies = ma.fields.Integer()


class ProcedureSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    agency_code = ma.fields.String()
    online_level = ma.fields.String(metadata={"enum": list(ONLINE_LEVELS)})
    processing_days = ma.fields.Integer(metadata={"description": "Business days from receipt"})
    fee = ma.fields.Integer(metadata={"description": "VND"})
    online_fee_vnd = ma.fields.Integer(allow_none=True, metadata={
        "description": "VND, the lower fee of a dossier filed online; null: online pays `fee`"})
    form_schema = ma.fields.Dict(metadata={"description": "JSON Schema of the dossier's form"})
    components = ma.fields.List(ma.fields.Nested(ComponentSchema),
                                metadata={"description": "The documents a dossier hands in"})
    requires_signed_application = ma.fields.Boolean(metadata={
        "description": "Received only with the application signed by the owner (POST /dossiers/{code}/signed-application)"})


class SubmitSchema(ma.Schema):
    procedure_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    form = ma.fields.Dict(required=True)
    # File anywhere in the city (Decree 118/2025): the service centre, by its unit or its code.
    receiving_unit_code = ma.fields.String(load_default=None, validate=validate.Length(min=1, max=10),
                                           metadata={"description": "2025 unit whose service centre receives it"})
    receiving_centre_code = ma.fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                                             metadata={"description": "The receiving service centre's agency code"})


class ComponentFiles(ma.fields.Field):
    """The file parts of a multipart filing, as the parser found them, as the service's FilePart
    values; the part's name is the component code."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileParts):
            raise ma.ValidationError("Unknown field.")  # what a JSON body with this key was always told
        return [FilePart(name, upload.filename, upload.stream) for name, upload in value]


class SubmitWithDocumentsSchema(SubmitSchema):
    """SubmitSchema, or (multipart/form-data) its JSON in the part `dossier` and files beside it."""

    JSON_PART = "dossier"
    FILE_PARTS = "documents"
    documents = ComponentFiles(load_default=list, load_only=True)


# POST /dossiers as multipart/form-data (the JSON body is documented from SubmitSchema).
SUBMISSION_WITH_DOCUMENTS = {
    "schema": {
        "type": "object", "required": [SubmitWithDocumentsSchema.JSON_PART],
        "properties": {SubmitWithDocumentsSchema.JSON_PART: {"$ref": "#/components/schemas/Submit"}},
        "additionalProperties": {"type": "string", "format": "binary", "description": (
            "A file for the procedure's component named by the part (PDF, JPEG or PNG, the type read from "
            "the bytes); a component that takes several copies takes that many parts of its name")}},
    "encoding": {SubmitWithDocumentsSchema.JSON_PART: {"contentType": "application/json"}},
}


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
    amount_vnd = ma.fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1, max=1_000_000_000),
                                   metadata={"description": "With `to: payment_requested`: the fee asked for"})


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
    status_label = CatalogueText()
    portal_status = ma.fields.Integer(metadata={"description": "The national portal's status code"})
    submitted_at = ma.fields.DateTime()
    received_at = ma.fields.DateTime(allow_none=True)
    due_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
    on_time = ma.fields.Boolean(allow_none=True)
    is_overdue = ma.fields.Boolean()
    amount_due_vnd = ma.fields.Integer(allow_none=True, metadata={"description": "Owed now (payment_requested)"})


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
    home_unit_code = ma.fields.String(allow_none=True, metadata={"description": "The owner's home unit when filed"})
    receiving_unit_code = ma.fields.String(allow_none=True)
    receiving_centre_code = ma.fields.String(allow_none=True)


class DocumentUploadSchema(ma.Schema):
    component_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG (the type is read from the bytes)"})


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer()
    component_code = ma.fields.String()
    file_name = ma.fields.String()
    media_type = ma.fields.String()
    size = ma.fields.Integer()
    pages = ma.fields.Integer(allow_none=True)
    sha256 = ma.fields.String()
    uploader = ma.fields.String(attribute="uploaded_by", metadata={"description": "owner, officer or agency_key"})
    created_at = ma.fields.DateTime()


class PaymentSchema(ma.Schema):
    id = ma.fields.Integer()
    amount_vnd = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ["pending", "paid", "failed", "expired"]})
    qr_payload = ma.fields.String(metadata={"description": "VietQR (EMVCo merchant-presented, with CRC)"})
    pay_url = ma.fields.String()
    expires_at = ma.fields.DateTime()
    paid_at = ma.fields.DateTime(allow_none=True)
    receipt_number = ma.fields.String(allow_none=True)


class CallbackAnswerSchema(ma.Schema):
    status = ma.fields.String()


class ResultUploadSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "The result, a PDF"})


class ResultSchema(ma.Schema):
    file_name = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String(metadata={"description": "Of the sealed PDF"})
    agency_code = ma.fields.String()
    certificate_serial = ma.fields.String(metadata={"description": "The seal's organisation certificate"})
    created_at = ma.fields.DateTime()
