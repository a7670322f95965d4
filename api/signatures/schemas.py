"""Request and response bodies of the signature routes."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from api.pagination import PageQuery
from api.runtime import runtime
from models.signatures import SignatureRequestStatus
from services.identity import national_id as cccd
from services.signatures import certificates
from services.signatures.authority import REVOCATION_REASONS
from services.signatures.workflow import allowed_moves

_CODE = validate.Length(min=1, max=40)


class ComputedDateTime(ma.fields.DateTime):
    """A date-time worked out from the object: ISO 8601 out and typed in the OpenAPI document,
    where `fields.Function` would answer an HTTP date and leave the type blank."""

    def __init__(self, compute, **kwargs) -> None:
        super().__init__(dump_only=True, **kwargs)
        self.compute = compute

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return self.compute(obj)


class ProviderSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class CounterQuery(PageQuery):
    agency_code = ma.fields.String(validate=_CODE)
    district_code = ma.fields.String(validate=validate.Length(max=10))


class CounterSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    agency_code = ma.fields.String()
    district_code = ma.fields.String(allow_none=True)


class NewRequestSchema(ma.Schema):
    provider_code = ma.fields.String(required=True, validate=_CODE, metadata={"example": "VNPT-CA"})
    channel = ma.fields.String(load_default="counter", validate=validate.OneOf(["counter", "online"]), metadata={
        "description": "counter (identity checked in person) or online (a level-2 e-ID account, no visit)"})
    counter_code = ma.fields.String(validate=_CODE, metadata={"example": "MC-P-BADINH",
                                                              "description": "Required for the counter channel"})
    appointment_date = ma.fields.Date(metadata={
        "description": "A business day, today to 30 days ahead; required for the counter channel"})


class CreatedRequestSchema(ma.Schema):
    id = ma.fields.UUID(attribute="public_id")
    status = ma.fields.String()
    challenge_id = ma.fields.String(metadata={"description": "Online channel: the code's challenge"})
    expires_at = ma.fields.DateTime(metadata={"description": "Online channel: when the code expires"})
    debug_otp = ma.fields.String(metadata={"description": "Online channel, outside production only"})


class ConfirmSchema(ma.Schema):
    otp = ma.fields.String(required=True, validate=validate.Length(min=4, max=12))


class HistoryEntrySchema(ma.Schema):
    from_status = ma.fields.String(attribute="from_status", data_key="from", allow_none=True)
    to_status = ma.fields.String(attribute="to_status", data_key="to")
    # The columns are named as dossier events' are; the response keeps its original names.
    created_at = ma.fields.DateTime(data_key="at")
    actor_kind = ma.fields.String(data_key="actor_role", metadata={"description": "owner, officer or authority"})
    actor_account_id = ma.fields.UUID(data_key="actor_id", allow_none=True)
    note = ma.fields.String(allow_none=True)


class RequestSchema(ma.Schema):
    id = ma.fields.UUID(attribute="public_id")
    status = ma.fields.String()
    allowed_moves = ma.fields.Function(lambda r: allowed_moves(r.status))
    provider_code = ma.fields.String()
    channel = ma.fields.String(metadata={"description": "counter or online"})
    counter_code = ma.fields.String(allow_none=True)
    appointment_date = ma.fields.Date(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    applicant_name = ma.fields.Function(lambda r: r.applicant.full_name)
    applicant_id_masked = ma.fields.Function(lambda r: cccd.last4_mask(r.applicant.national_id))
    applicant_date_of_birth = ma.fields.Date(attribute="applicant.date_of_birth")
    certificate_serial = ma.fields.Function(lambda r: r.certificate.serial if r.certificate else None)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    history = ma.fields.List(ma.fields.Nested(HistoryEntrySchema))


class QueueQuery(PageQuery):
    status = ma.fields.String(validate=validate.OneOf(list(map(str, SignatureRequestStatus))))
    date = ma.fields.Date(metadata={"description": "Appointment day"})


class ApproveSchema(ma.Schema):
    note = ma.fields.String(validate=validate.Length(max=500), load_default=None)


class RejectSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=3, max=500))


class CertificateSchema(ma.Schema):
    serial = ma.fields.String(metadata={"description": "Uppercase hex, no separators"})
    subject = ma.fields.String(metadata={"description": "RFC 4514; an officer sees the ID number masked"})
    pem = ma.fields.String(allow_none=True, metadata={"description": "The holder's only (null for an officer)"})
    valid_from = ma.fields.DateTime()
    valid_to = ma.fields.DateTime()
    status = ma.fields.Function(lambda c: certificates.status_of(c, runtime().clock.now()),
                                metadata={"description": "valid, revoked or expired (computed)"})
    renewable_from = ComputedDateTime(lambda c: c.valid_to - certificates.RENEWAL_WINDOW)
    revocation_source = ma.fields.String(allow_none=True, metadata={
        "description": "Where the revocation status came from: embedded (the document's own DSS, for a "
                       "timestamped signature), ocsp or crl; null when no source answered"})
    revoked_at = ma.fields.DateTime(allow_none=True)
    revocation_reason = ma.fields.String(allow_none=True)
    provider_code = ma.fields.String()
    counter_code = ma.fields.String(allow_none=True)


class RevokeSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.OneOf(REVOCATION_REASONS),
                              metadata={"description": "An RFC 5280 reason code"})


class ChallengeSchema(ma.Schema):
    challenge_id = ma.fields.String()
    expires_at = ma.fields.DateTime()
    certificate_serial = ma.fields.String()
    debug_otp = ma.fields.String(metadata={"description": "Outside production only"})


class CaCertificatesSchema(ma.Schema):
    root = ma.fields.String(metadata={"description": "The city root CA certificate (PEM)"})
    issuing = ma.fields.String(metadata={"description": "The issuing CA certificate (PEM)"})
    certificates = ma.fields.List(ma.fields.String(), metadata={"description": "Root first, then issuing (PEM)"})


class SignedDocumentSchema(ma.Schema):
    document_name = ma.fields.String(allow_none=True, data_key="file_name")
    document_digest = ma.fields.String(data_key="sha256", metadata={"description": "SHA-256 of the signed PDF (hex)"})
    signed_at = ma.fields.DateTime(metadata={"description": "The signature's timestamp"})
    certificate_serial = ma.fields.String(attribute="certificate.serial")
    level = ma.fields.String(allow_none=True, metadata={"description": "PAdES level: B-B, B-T or B-LT"})
    size_bytes = ma.fields.Integer()


class PdfFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "A PDF document"})


class SignFormSchema(PdfFileSchema):
    challenge_id = ma.fields.String(required=True, validate=validate.Length(max=64))
    otp = ma.fields.String(required=True, validate=validate.Length(max=12))
    level = ma.fields.String(load_default="B-T", validate=validate.OneOf(["B-T", "B-LT"]), metadata={
        "description": "PAdES level: B-T (a timestamp, the default) or B-LT (plus revocation data embedded)"})


class SignatureReportSchema(ma.Schema):
    valid = ma.fields.Boolean()
    status = ma.fields.String(metadata={"description": "valid, invalid or indeterminate"})
    intact = ma.fields.Boolean()
    chain_trusted = ma.fields.Boolean()
    revoked = ma.fields.Boolean(allow_none=True, metadata={
        "description": "Revoked at signing time; null when it cannot be established"})
    revocation_status = ma.fields.String(metadata={
        "description": "good, revoked_after_signing, revoked_before_signing, revoked_without_trusted_time or unknown"})
    revocation_source = ma.fields.String(allow_none=True, metadata={
        "description": "Where the revocation status came from: embedded (the document's own DSS, for a "
                       "timestamped signature), ocsp or crl; null when no source answered"})
    revoked_at = ma.fields.DateTime(allow_none=True)
    revocation_reason = ma.fields.String(allow_none=True)
    signer_name = ma.fields.String(allow_none=True)
    signer_masked = ma.fields.String(allow_none=True)
    signed_at = ma.fields.DateTime(allow_none=True)
    signed_at_source = ma.fields.String(metadata={
        "description": "timestamp (a trusted RFC 3161 token) or claimed (the signer's own clock)"})
    certificate_serial = ma.fields.String()
    field_name = ma.fields.String(allow_none=True)
    trust_anchor = ma.fields.String(allow_none=True, metadata={"description": "The trusted root the chain reached"})
    trust_path = ma.fields.List(ma.fields.String(), metadata={"description": "The CAs from the signer's issuer to the anchor"})
    problems = ma.fields.List(ma.fields.String())
    level = ma.fields.String(allow_none=True, metadata={
        "description": "PAdES baseline level reached: B-B, B-T, B-LT or B-LTA"})
    summary = ma.fields.String(metadata={
        "description": "Signer, signing time and its source, changes after signing, trust path and verdict, "
                       "in the Accept-Language (vi or en)"})


class DocumentTimestampSchema(ma.Schema):
    field_name = ma.fields.String(allow_none=True)
    timestamped_at = ma.fields.DateTime(allow_none=True, metadata={"description": "The token's genTime"})
    tsa_name = ma.fields.String(allow_none=True, metadata={"description": "The timestamp authority's name"})
    valid = ma.fields.Boolean(metadata={"description": "Intact, and the TSA chains to a trusted root"})


class VerificationSchema(SignatureReportSchema):
    signatures = ma.fields.List(ma.fields.Nested(SignatureReportSchema),
                                metadata={"description": "Every signature, oldest first; the top level is the last"})
    document_timestamps = ma.fields.List(ma.fields.Nested(DocumentTimestampSchema), metadata={
        "description": "Document timestamps (PAdES B-LTA), oldest first"})
