"""Request and response shapes of prefilled forms and signed applications."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from api.dossiers.schemas import DossierSchema
from services.dossiers.prefill import SOURCES


class FormQuery(ma.Schema):
    prefill = ma.fields.Boolean(load_default=False, metadata={
        "description": "Fill the fields the procedure marks (`x-prefill`) from the population registry "
                       "or the account"})


class ProcedureFormSchema(ma.Schema):
    procedure_code = ma.fields.String()
    form_schema = ma.fields.Dict(metadata={"description": "JSON Schema of the form; `x-prefill` marks a field "
                                           f"filled from the registry or the account ({', '.join(SOURCES)})"})
    form = ma.fields.Dict(metadata={"description": "The prefilled values (empty without `prefill=true`)"})
    prefilled = ma.fields.List(ma.fields.String(), metadata={"description": "Fields filled from the registry or the account"})


class SignedApplicationUploadSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "The application PDF signed with POST /signatures/sign"})


class SignedApplicationSchema(ma.Schema):
    signed = ma.fields.Boolean()
    document_id = ma.fields.Integer(allow_none=True, metadata={"description": "Among the dossier's documents"})
    signer_name = ma.fields.String(allow_none=True)
    certificate_serial = ma.fields.String(allow_none=True)
    signed_at = ma.fields.DateTime(allow_none=True)
    verifies = ma.fields.Boolean(allow_none=True, metadata={
        "description": "The signature is valid now and signs the dossier's application as it stands"})
    problems = ma.fields.List(ma.fields.String())


class AgencyDossierSchema(DossierSchema):
    signed_application = ma.fields.Nested(SignedApplicationSchema)
