"""/providers: a health facility writes records and reads them with consent (or in an emergency).

Each patient route comes twice: with the ID number in the path (`/patients/{national_id}/...`)
and with it in the `X-Subject` header (`/patient/...`), so that a client can keep it out of
URLs and proxy logs. Both call the same service function."""
from __future__ import annotations

import uuid

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.health import schemas
from api.health.stored import json_response
from api.pagination import page_of
from models.identity import Role
from services.health import corrections, provider
from services.health.batch_shape import ProviderBatchSchema

# Nested in the health blueprint (api/health/routes.py): /api/v1/providers/..., tagged "health".
blp = Blueprint("providers", __name__, url_prefix="/providers")
PATIENT = "/patients/<string:national_id>"
PATIENT_IN_HEADER = "/patient"  # the ID number in X-Subject


@blp.route(f"{PATIENT}/records")
class PatientRecords(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.idempotent()
    @blp.arguments(schemas.PatientHeaders, location="headers")
    @blp.arguments(ProviderBatchSchema)
    @blp.response(201, schemas.BatchResultSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, headers, batch, national_id: str):
        """Add observations, conditions, allergies, risk factors, immunizations and visits from your facility."""
        return provider.write_batch(request_context(), national_id, batch, **headers)


@blp.route(f"{PATIENT_IN_HEADER}/records")
class PatientRecordsBySubject(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.idempotent()
    @blp.arguments(schemas.PatientSubjectHeaders, location="headers")
    @blp.arguments(ProviderBatchSchema)
    @blp.response(201, schemas.BatchResultSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, headers, batch):
        """The same as `/patients/{national_id}/records`, the patient named in `X-Subject`."""
        return provider.write_batch(request_context(), headers.pop("national_id"), batch, **headers)


@blp.route(f"{PATIENT}/summary")
class PatientSummary(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.arguments(schemas.PatientHeaders, location="headers")
    @blp.arguments(schemas.ProviderSummaryQuery, location="query")
    @blp.response(200, schemas.ProviderSummarySchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self, headers, query, national_id: str):
        """A patient's summary: needs the patient's consent to your facility, or `emergency_reason`."""
        return json_response(provider.read_summary(request_context(), national_id, **query, **headers))


@blp.route(f"{PATIENT_IN_HEADER}/summary")
class PatientSummaryBySubject(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.arguments(schemas.PatientSubjectHeaders, location="headers")
    @blp.arguments(schemas.ProviderSummaryQuery, location="query")
    @blp.response(200, schemas.ProviderSummarySchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self, headers, query):
        """The same as `/patients/{national_id}/summary`, the patient named in `X-Subject`."""
        return json_response(provider.read_summary(request_context(), headers.pop("national_id"), **query,
                                                   **headers))


@blp.route("/correction-requests")
class FacilityCorrections(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.arguments(schemas.ProviderQueueQuery, location="query")
    @blp.response(200, page_of(schemas.ProviderCorrectionRequestSchema))
    def get(self, query):
        """Correction requests about entries your facility wrote, newest first."""
        return corrections.list_for_facility(request_context(), **query)


@blp.route("/correction-requests/<uuid:request_id>/acknowledge")
class AcknowledgeCorrection(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.response(200, schemas.ProviderCorrectionRequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, request_id: uuid.UUID):
        """Confirm the request was received (due within 2 working days)."""
        return corrections.acknowledge(request_context(), request_id)


@blp.route("/correction-requests/<uuid:request_id>/resolve")
class ResolveCorrection(MethodView):
    @blp.auth(Role.HEALTH_PROVIDER)
    @blp.idempotent()
    @blp.arguments(schemas.ResolveSchema)
    @blp.response(200, schemas.ProviderCorrectionRequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body, request_id: uuid.UUID):
        """Append the correction (`outcome: corrected` with `changes`) or refuse with a `note`."""
        return corrections.resolve(request_context(), request_id, **body)
