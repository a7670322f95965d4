"""The catalogue, a citizen's own dossiers, and the public status lookup."""
from __future__ import annotations

from flask.views import MethodView

from api.context import request_context
from api.dossiers import schemas
from api.pagination import page_of
from api.runtime import runtime
from api.signatures.multipart import MultipartBlueprint
from models.identity import Role
from services.dossiers import actions, procedures, submission_documents, views
from services.identity.assurance import Sensitive

blp = MultipartBlueprint("dossiers", __name__, url_prefix="/api/v1", description="Public-service dossiers")


@blp.route("/procedures")
class Procedures(MethodView):
    @blp.arguments(schemas.ProcedureQuery, location="query")
    @blp.response(200, page_of(schemas.ProcedureSchema))
    def get(self, query):
        """The procedure catalogue, by code; `q` searches names and codes."""
        return procedures.search(request_context(), **query)


@blp.route("/procedures/<code>")
class ProcedureDetail(MethodView):
    @blp.response(200, schemas.ProcedureSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str):
        """One procedure with its form and the documents (`components`) a dossier hands in."""
        return procedures.procedure_by_code(request_context(), code)


@blp.route("/dossiers")
class Dossiers(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.DOSSIER_FILING)
    @blp.idempotent()
    @blp.arguments(schemas.SubmitWithDocumentsSchema, location="json_or_multipart")
    @blp.doc(requestBody={"content": {"application/json": {"schema": schemas.SubmitSchema},
                                      "multipart/form-data": schemas.SUBMISSION_WITH_DOCUMENTS}})
    @blp.response(201, schemas.DossierSchema)
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body):
        """File a dossier online; `due_at` is an estimate until the agency receives it.

        As multipart/form-data (the JSON in the part `dossier`, a file part per document named by its
        component), its documents go with it: all filed, or nothing."""
        return submission_documents.submit_with_documents(request_context(), runtime().documents, **body)


@blp.route("/me/dossiers")
class MyDossiers(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.arguments(schemas.MyDossiersQuery, location="query")
    @blp.response(200, page_of(schemas.DossierSummarySchema))
    def get(self, query):
        """My dossiers, newest first, those filed at a counter included."""
        return views.list_mine(request_context(), **query)


@blp.route("/dossiers/<code>")
class DossierDetail(MethodView):
    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.DOSSIER_DETAILS)
    @blp.etag
    @blp.response(200, schemas.DossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str):
        """A dossier with its whole timeline, for its owner or an officer of its agency."""
        return views.for_viewer(request_context(), code)


@blp.route("/public/dossiers/<code>")
class PublicDossier(MethodView):
    @blp.arguments(schemas.PublicQuery, location="query")
    @blp.response(200, schemas.DossierSummarySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, code: str):
        """Status by code and the owner's last four ID digits; nothing personal."""
        return views.public_status(request_context(), code, query["id_last4"])


@blp.route("/dossiers/<code>/withdraw")
class Withdraw(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.idempotent()
    @blp.arguments(schemas.WithdrawSchema)
    @blp.response(200, schemas.DossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body, code: str):
        """Withdraw a dossier before processing starts."""
        return actions.withdraw(request_context(), code, **body)


@blp.route("/dossiers/<code>/supplement")
class Supplement(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.idempotent()
    @blp.arguments(schemas.SupplementSchema)
    @blp.response(200, schemas.DossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body, code: str):
        """Hand in the documents the agency asked for; processing resumes."""
        return actions.supplement(request_context(), code, **body)
