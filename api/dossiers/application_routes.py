"""Enter it once (prefilled forms) and the application signed by the dossier's owner."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response
from flask.views import MethodView

from api.context import request_context
from api.dossiers import application_schemas as schemas
from api.runtime import runtime
from api.signatures.multipart import MultipartBlueprint
from models.identity import Role
from services.documents.inspection import ascii_file_name
from services.dossiers import application, prefill
from services.identity.assurance import Sensitive

blp = MultipartBlueprint("dossier_application", __name__, url_prefix="/api/v1",
                         description="Prefilled forms and signed applications")


@blp.route("/procedures/<code>/form")
class ProcedureForm(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.DOSSIER_FILING)
    @blp.arguments(schemas.FormQuery, location="query")
    @blp.response(200, schemas.ProcedureFormSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def get(self, query, code: str):
        """The procedure's form; with `prefill=true`, the fields it marks filled from the registry."""
        return prefill.procedure_form(request_context(), code, **query)


@blp.route("/dossiers/<code>/application.pdf")
class ApplicationPdf(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.DOSSIER_DETAILS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str):
        """The dossier's application (tờ khai) as a PDF, for its owner to sign."""
        rendered = application.download(request_context(), code)
        return Response(rendered.content, mimetype="application/pdf", headers={
            "Cache-Control": "private, no-cache",
            "Content-Disposition": f"attachment; filename=\"{ascii_file_name(rendered.file_name)}\"; "
                                   f"filename*=UTF-8''{quote(rendered.file_name)}"})


@blp.route("/dossiers/<code>/signed-application")
class SignedApplication(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.DOSSIER_FILING)
    @blp.arguments(schemas.SignedApplicationUploadSchema, location="multipart")
    @blp.response(201, schemas.SignedApplicationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, form, code: str):
        """Attach the application signed by the owner's own certificate; kept among the documents."""
        rt, upload = runtime(), form["file"]
        return application.attach(request_context(), rt.authority, rt.documents, code, file_name=upload.filename,
                                  stream=upload.stream)


@blp.route("/agency/dossiers/<code>")
class AgencyDossier(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.response(200, schemas.AgencyDossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self, code: str):
        """The dossier for an officer of its agency: detail, timeline, and whether the application is signed."""
        rt = runtime()
        return application.agency_view(request_context(), rt.authority, rt.documents, code)
