"""Request and response bodies of the identity routes."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from models.identity import Language
from services.identity import national_id as cccd
from services.identity.phones import mask_phone

_ID = {"validate": validate.Length(max=32), "metadata": {"example": "001090012345"}}


class RegisterSchema(ma.Schema):
    national_id = ma.fields.String(required=True, **_ID)
    full_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    date_of_birth = ma.fields.Date(required=True)
    phone = ma.fields.String(required=True, validate=validate.Length(max=20))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    sex = ma.fields.String(validate=validate.OneOf(cccd.SEXES))


class VerificationStartedSchema(ma.Schema):
    verification_id = ma.fields.String(required=True)
    expires_at = ma.fields.DateTime(required=True)
    debug_otp = ma.fields.String(metadata={"description": "Outside production only"})


class VerifyRegistrationSchema(ma.Schema):
    verification_id = ma.fields.String(required=True, validate=validate.Length(max=64))
    otp = ma.fields.String(required=True, validate=validate.Length(max=12))
    device_name = ma.fields.String(validate=validate.Length(max=100))


class AccountSchema(ma.Schema):
    id = ma.fields.UUID()
    national_id_masked = ma.fields.Function(lambda account: cccd.mask(account.national_id))
    full_name = ma.fields.String()
    date_of_birth = ma.fields.Date(allow_none=True)
    sex = ma.fields.String(allow_none=True)
    district_code = ma.fields.String(allow_none=True)
    phone_masked = ma.fields.Function(lambda account: mask_phone(account.phone))
    assurance_level = ma.fields.Integer()
    roles = ma.fields.Function(lambda account: [account.role])
    agency_code = ma.fields.String(allow_none=True)
    facility_code = ma.fields.String(allow_none=True)
    language = ma.fields.Enum(Language, by_value=True,
                              metadata={"description": "Notifications, texts and answers without Accept-Language"})


class ProfileSchema(AccountSchema):
    unit_code = ma.fields.String(allow_none=True, metadata={"description": "The current ward or commune (2025 code)"})


class ProfileChangeSchema(ma.Schema):
    language = ma.fields.Enum(Language, by_value=True, required=True)


class TokenPairSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    refresh_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True)
    expires_in = ma.fields.Integer(required=True)
    session_id = ma.fields.UUID()


class RegisteredSchema(TokenPairSchema):
    account = ma.fields.Nested(AccountSchema, required=True)


class SignInSchema(ma.Schema):
    national_id = ma.fields.String(required=True, **_ID)
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    device_name = ma.fields.String(validate=validate.Length(max=100))


class RefreshSchema(ma.Schema):
    refresh_token = ma.fields.String(required=True, validate=validate.Length(max=200))


class SessionSchema(ma.Schema):
    id = ma.fields.UUID()
    device_name = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()
    current = ma.fields.Boolean()


class IdentityCheckSchema(ma.Schema):
    national_id = ma.fields.String(required=True, **_ID)
    method = ma.fields.String(load_default="in_person", validate=validate.OneOf(["in_person", "chip"]))


class IdentityCheckResultSchema(ma.Schema):
    account_id = ma.fields.UUID(attribute="id")
    national_id_masked = ma.fields.Function(lambda account: cccd.last4_mask(account.national_id))
    full_name = ma.fields.String()
    assurance_level = ma.fields.Integer()


class DataAccessEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    area = ma.fields.String(metadata={"description": "dossiers, identity or signatures"})
    action = ma.fields.String(metadata={"description": "what was done, e.g. counter_dossier_filed, level_raised"})
    resource = ma.fields.String(allow_none=True, metadata={"description": "the dossier code, request id, ..."})
    actor = ma.fields.String(metadata={"description": "officer or agency_system"})
    actor_name = ma.fields.String(allow_none=True)
    agency_code = ma.fields.String(allow_none=True)
class EidAuthorizeQuery(ma.Schema):
    redirect_uri = ma.fields.String(required=True, validate=validate.Length(max=500),
                                    metadata={"example": "ihanoi://eid-callback"})
    login_hint = ma.fields.String(validate=validate.Length(max=32),
                                  metadata={"description": "The ID number to sign in (the development provider consents at once)"})
    acr_values = ma.fields.String(validate=validate.OneOf(["level1", "level2"]))


class EidAuthorizationSchema(ma.Schema):
    authorization_url = ma.fields.String(required=True, attribute="url")
    expires_at = ma.fields.DateTime(required=True)


class EidCallbackSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))
    state = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_name = ma.fields.String(validate=validate.Length(max=100))


class EidSignedInSchema(RegisteredSchema):
    account_created = ma.fields.Boolean(required=True)


class RecoverySchema(ma.Schema):
    national_id = ma.fields.String(required=True, **_ID)
    phone = ma.fields.String(required=True, validate=validate.Length(max=20))


class SecurityEventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    detail = ma.fields.String(allow_none=True)
    device_name = ma.fields.String(allow_none=True)
    by_officer = ma.fields.Function(lambda event: event.actor_account_id is not None)
    created_at = ma.fields.DateTime()
