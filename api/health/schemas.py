"""Request and response bodies of the health record endpoints."""
from __future__ import annotations

import marshmallow as ma
from flask import has_request_context, request
from marshmallow import validate

from api.language import text_of
from api.pagination import PageQuery
from models.health import CorrectionStatus
from services.health import codes
from services.health.corrections import OUTCOMES
from services.health.entries import RESOURCE_TYPES
from services.messages import lazy_text

NATIONAL_ID = validate.Regexp(r"^\d{12}$", error="12 digits.")
PURPOSES = ("treatment", "care_coordination", "referral")
SUBJECT_HEADER = "X-Subject"  # the subject out of the URL (and so out of access and proxy logs)


class SubjectQuery(ma.Schema):
    subject = ma.fields.String(load_default=None, validate=NATIONAL_ID, metadata={
        "description": "ID number of a child under 14 in your care (guardian access); omit for your own "
                       f"record. May be sent in the `{SUBJECT_HEADER}` header instead, to keep it out of "
                       "URLs and proxy logs"})

    @ma.pre_load
    def _subject_from_header(self, data, **_kwargs):
        header = request.headers.get(SUBJECT_HEADER) if has_request_context() else None
        if header is None:
            return data
        if data.get("subject") not in (None, ma.missing, header):  # webargs gives `missing` when absent
            # marshmallow's messages are plain text: this one is written in the request's language here
            raise ma.ValidationError(text_of(lazy_text("health.subject.given_twice", header=SUBJECT_HEADER)), "subject")
        return {**data, "subject": header}


class SubjectPageQuery(PageQuery, SubjectQuery):
    pass


class ObservationQuery(SubjectPageQuery):
    code = ma.fields.String(load_default=None, validate=validate.OneOf(list(codes.OBSERVATION_CODES)),
                            metadata={"description": "LOINC code"})
    from_ = ma.fields.AwareDateTime(data_key="from", load_default=None)
    to = ma.fields.AwareDateTime(load_default=None)


# -- entries -----------------------------------------------------------------------------------

class CorrectionSchema(ma.Schema):
    id = ma.fields.UUID(metadata={"description": "the correction's id"})
    request_id = ma.fields.UUID(metadata={"description": "the correction request's id"})
    changes = ma.fields.Dict(metadata={"description": "the corrected fields, as they are now"})
    previous = ma.fields.Dict(metadata={"description": "the same fields before this correction"})
    facility_code = ma.fields.String()
    facility_name = ma.fields.String(allow_none=True)
    corrected_at = ma.fields.DateTime()


class EntrySchema(ma.Schema):
    id = ma.fields.UUID()
    facility_code = ma.fields.String()
    facility_name = ma.fields.String(allow_none=True)
    recorded_at = ma.fields.DateTime()
    corrected = ma.fields.Boolean()
    corrections = ma.fields.List(ma.fields.Nested(CorrectionSchema))


class ObservationSchema(EntrySchema):
    code = ma.fields.String(metadata={"description": "LOINC"})
    name = ma.fields.String(allow_none=True)
    category = ma.fields.String(allow_none=True)
    value = ma.fields.Float()
    unit = ma.fields.String(metadata={"description": "UCUM"})
    effective_at = ma.fields.DateTime()
    derived = ma.fields.Boolean(metadata={"description": "computed by the server (BMI)"})


class ConditionSchema(EntrySchema):
    code = ma.fields.String(metadata={"description": "ICD-10"})
    name = ma.fields.String(allow_none=True)
    onset_date = ma.fields.Date(allow_none=True)
    status = ma.fields.String()


class AllergySchema(EntrySchema):
    substance = ma.fields.String()
    reaction = ma.fields.String(allow_none=True)


class RiskFactorSchema(EntrySchema):
    kind = ma.fields.String()
    value = ma.fields.String()


class ImmunizationSchema(EntrySchema):
    vaccine = ma.fields.String()
    date = ma.fields.Date()
    dose_number = ma.fields.Integer()


class EncounterSchema(EntrySchema):
    start = ma.fields.DateTime()
    end = ma.fields.DateTime(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    diagnoses = ma.fields.List(ma.fields.String(), metadata={"description": "ICD-10 codes"})
    summary = ma.fields.String(allow_none=True)


class PersonSchema(ma.Schema):
    national_id_masked = ma.fields.String()
    full_name = ma.fields.String()
    date_of_birth = ma.fields.Date()
    sex = ma.fields.String()


class SummarySchema(ma.Schema):
    subject = ma.fields.Nested(PersonSchema)
    has_record = ma.fields.Boolean()
    vital_signs = ma.fields.List(ma.fields.Nested(ObservationSchema), metadata={"description": "latest of each"})
    lab_results = ma.fields.List(ma.fields.Nested(ObservationSchema), metadata={"description": "latest of each"})
    active_conditions = ma.fields.List(ma.fields.Nested(ConditionSchema))
    allergies = ma.fields.List(ma.fields.Nested(AllergySchema))
    risk_factors = ma.fields.List(ma.fields.Nested(RiskFactorSchema), metadata={"description": "latest of each kind"})
    last_visit = ma.fields.Nested(EncounterSchema, allow_none=True)
    immunization_count = ma.fields.Integer()


class ProviderSummarySchema(SummarySchema):
    facility_code = ma.fields.String()
    emergency = ma.fields.Boolean()


class FhirBundleSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    resourceType = ma.fields.String(metadata={"example": "Bundle"})
    type = ma.fields.String(metadata={"example": "collection"})
    entry = ma.fields.List(ma.fields.Dict())


# -- access log and consents ---------------------------------------------------------------------

class AccessLogEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    accessed_at = ma.fields.DateTime()
    accessor_role = ma.fields.String()
    accessor_name = ma.fields.String(allow_none=True, metadata={"description": "staff only"})
    facility_code = ma.fields.String(allow_none=True)
    facility_name = ma.fields.String(allow_none=True)
    purpose = ma.fields.String()
    resource = ma.fields.String()
    emergency = ma.fields.Boolean()
    emergency_reason = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(metadata={"description": "granted or denied"})
    action = ma.fields.String(metadata={"description": "read, or write (a provider added entries)"})


class ConsentVersionSchema(ma.Schema):
    version = ma.fields.Integer()
    action = ma.fields.String(metadata={"description": "grant or revoke"})
    expires_at = ma.fields.DateTime(allow_none=True)
    recorded_at = ma.fields.DateTime()
    channel = ma.fields.String()


class ConsentSchema(ma.Schema):
    facility_code = ma.fields.String()
    facility_name = ma.fields.String()
    status = ma.fields.String(metadata={"description": "active, expired or revoked"})
    version = ma.fields.Integer()
    expires_at = ma.fields.DateTime(allow_none=True)
    updated_at = ma.fields.DateTime()
    history = ma.fields.List(ma.fields.Nested(ConsentVersionSchema), metadata={"description": "newest first"})


class ConsentGrantSchema(ma.Schema):
    expires_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


# -- corrections -----------------------------------------------------------------------------------

class CorrectionRequestCreateSchema(ma.Schema):
    resource_type = ma.fields.String(required=True, validate=validate.OneOf(RESOURCE_TYPES))
    resource_id = ma.fields.UUID(required=True, metadata={"description": "the entry's id, as the record lists it"})
    reason = ma.fields.String(required=True, validate=validate.Length(max=2000))


class PatientSchema(ma.Schema):
    national_id_masked = ma.fields.String()
    full_name = ma.fields.String()
    date_of_birth = ma.fields.Date()


class CorrectionRequestSchema(ma.Schema):
    id = ma.fields.UUID()
    resource_type = ma.fields.String()
    resource_id = ma.fields.UUID()
    facility_code = ma.fields.String()
    facility_name = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    acknowledge_by = ma.fields.DateTime()
    resolve_by = ma.fields.DateTime()
    acknowledged_at = ma.fields.DateTime(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    resolution_note = ma.fields.String(allow_none=True)
    overdue = ma.fields.Boolean()


class ProviderCorrectionRequestSchema(CorrectionRequestSchema):
    patient = ma.fields.Nested(PatientSchema)
    resource_source_id = ma.fields.String(allow_none=True)


class ProviderQueueQuery(PageQuery):
    status = ma.fields.String(load_default=None, validate=validate.OneOf(list(map(str, CorrectionStatus))))


class ResolveSchema(ma.Schema):
    outcome = ma.fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = ma.fields.String(load_default=None, validate=validate.Length(max=2000))
    changes = ma.fields.Dict(keys=ma.fields.String(), load_default=None,
                             metadata={"description": "fields to correct (outcome corrected)"})


class CreatedCountsSchema(ma.Schema):
    observations = ma.fields.Integer()
    conditions = ma.fields.Integer()
    allergies = ma.fields.Integer()
    risk_factors = ma.fields.Integer()
    immunizations = ma.fields.Integer()
    encounters = ma.fields.Integer()


class BatchResultSchema(ma.Schema):
    created = ma.fields.Nested(CreatedCountsSchema)
    skipped_duplicates = ma.fields.Integer()


BIRTH_DATE_HEADER = "X-Subject-Birth-Date"


class PatientHeaders(ma.Schema):
    date_of_birth = ma.fields.Date(data_key=BIRTH_DATE_HEADER, load_default=None, metadata={
        "description": "The patient's date of birth as on the ID card (YYYY-MM-DD). A write and an "
                       "emergency read need it: an ID number not in the registry, another date and no "
                       "date all answer the same 422 `patient_not_matched`"})


class PatientSubjectHeaders(PatientHeaders):
    national_id = ma.fields.String(data_key=SUBJECT_HEADER, required=True, validate=NATIONAL_ID, metadata={
        "description": "The patient's 12-digit ID number, kept out of URLs and proxy logs"})


class ProviderSummaryQuery(ma.Schema):
    emergency_reason = ma.fields.String(load_default=None, validate=validate.Length(max=500), metadata={
        "description": "break-the-glass: read without consent; always logged and shown to the patient"})
    purpose = ma.fields.String(load_default="treatment", validate=validate.OneOf(PURPOSES))
