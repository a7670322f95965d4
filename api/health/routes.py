"""/me/health: a citizen's own health record, or a child's with `?subject=` (guardian)."""
from __future__ import annotations

import uuid

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.health import provider_routes, schemas
from api.health.stored import json_response
from api.pagination import page_of
from models.identity import Role
from services.health import citizen
from services.identity.assurance import Sensitive

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Electronic health records")
FHIR_JSON = "application/fhir+json"


@blp.route("/me/health/summary")
class Summary(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.etag
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.response(200, schemas.SummarySchema)
    def get(self, query):
        """Latest vital signs and lab values, active conditions, allergies, risk factors, last visit.

        Stored with the record and rewritten by every write to it: its ETag changes with it."""
        found = citizen.summary(request_context(), query["subject"])
        blp.set_etag(found.etag_data)  # 304 to a matching If-None-Match
        return json_response(found.body)


@blp.route("/me/health/observations")
class Observations(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.ObservationQuery, location="query")
    @blp.response(200, page_of(schemas.ObservationSchema))
    def get(self, query):
        """Vital signs and lab values, newest first; filter by LOINC `code` and time."""
        return citizen.observations(request_context(), **query)


@blp.route("/me/health/observations/<uuid:observation_id>")
class OneObservation(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.etag
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.response(200, schemas.ObservationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, observation_id: uuid.UUID):
        """One observation of the record."""
        return citizen.entry(request_context(), query["subject"], "observation", observation_id)


@blp.route("/me/health/encounters")
class Encounters(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectPageQuery, location="query")
    @blp.response(200, page_of(schemas.EncounterSchema))
    def get(self, query):
        """Visits with facility, date, diagnoses (ICD-10) and summary, newest first."""
        return citizen.encounters(request_context(), **query)


@blp.route("/me/health/encounters/<uuid:encounter_id>")
class OneEncounter(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.etag
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.response(200, schemas.EncounterSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, encounter_id: uuid.UUID):
        """One visit of the record."""
        return citizen.entry(request_context(), query["subject"], "encounter", encounter_id)


@blp.route("/me/health/immunizations")
class Immunizations(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectPageQuery, location="query")
    @blp.response(200, page_of(schemas.ImmunizationSchema))
    def get(self, query):
        """Vaccinations: vaccine, date, dose number, facility; newest first."""
        return citizen.immunizations(request_context(), **query)


@blp.route("/me/health/fhir")
class Fhir(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.response(200, schemas.FhirBundleSchema, content_type=FHIR_JSON)
    def get(self, query):
        """The whole record as a FHIR R4 Bundle of type collection."""
        bundle = citizen.fhir_bundle(request_context(), query["subject"])
        return json_response(bundle, FHIR_JSON)


@blp.route("/me/health/access-log")
class AccessLog(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectPageQuery, location="query")
    @blp.response(200, page_of(schemas.AccessLogEntrySchema))
    def get(self, query):
        """Who else read the record (or tried to): facility, staff, purpose, time, emergency."""
        return citizen.access_entries(request_context(), **query)


@blp.route("/me/health/consents/<string:facility_code>")
class Consent(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.response(200, schemas.ConsentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, facility_code: str):
        """The facility's consent: status and every version."""
        return citizen.read_consent(request_context(), query["subject"], facility_code)

    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.arguments(schemas.ConsentGrantSchema)
    @blp.response(200, schemas.ConsentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def put(self, query, body, facility_code: str):
        """Let the facility read the record, optionally until `expires_at`."""
        return citizen.grant_consent(request_context(), query["subject"], facility_code,
                                     body["expires_at"])

    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, query, facility_code: str):
        """Withdraw the facility's access at once."""
        citizen.revoke_consent(request_context(), query["subject"], facility_code)


@blp.route("/me/health/correction-requests")
class CorrectionRequests(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.arguments(schemas.SubjectPageQuery, location="query")
    @blp.response(200, page_of(schemas.CorrectionRequestSchema))
    def get(self, query):
        """The correction requests, newest first, with their deadlines."""
        return citizen.correction_requests(request_context(), **query)

    @blp.auth(Role.CITIZEN, needs=Sensitive.HEALTH_RECORD)
    @blp.idempotent()
    @blp.arguments(schemas.SubjectQuery, location="query")
    @blp.arguments(schemas.CorrectionRequestCreateSchema)
    @blp.response(201, schemas.CorrectionRequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, query, body):
        """Ask the facility that wrote an entry to correct it (acknowledged in 2, settled in 10 working days)."""
        return citizen.request_correction(request_context(), query["subject"], **body)


blp.register_blueprint(provider_routes.blp)  # the facility side: /api/v1/providers/..., same tag
