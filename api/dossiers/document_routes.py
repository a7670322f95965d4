"""Documents of a dossier: the owner uploads them, the owner and the agency's officers read them."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, request
from flask.views import MethodView

from api.context import request_context
from api.dossiers import schemas
from api.pagination import PageQuery, page_of
from api.runtime import runtime
from api.signatures.multipart import MultipartBlueprint
from models.identity import Role
from services.identity.assurance import Sensitive
from services.documents.inspection import ascii_file_name
from services.dossiers import documents, results

blp = MultipartBlueprint("dossier_documents", __name__, url_prefix="/api/v1",
                         description="Documents handed in with dossiers, and sealed results")


@blp.route("/dossiers/<code>/documents")
class Documents(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.DOSSIER_FILING)
    @blp.arguments(schemas.DocumentUploadSchema, location="multipart")
    @blp.response(201, schemas.DocumentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, form, code: str):
        """Hand in a file for one of the procedure's components (while submitted or asked for more)."""
        upload = form["file"]
        return documents.upload(request_context(), runtime().documents, code, component_code=form["component_code"],
                                file_name=upload.filename, stream=upload.stream)

    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.DOSSIER_DETAILS)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.DocumentSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, code: str):
        """The dossier's documents in upload order, for its owner or an officer of its agency."""
        return documents.list_documents(request_context(), code, **query)


@blp.route("/dossiers/<code>/documents/<int:document_id>")
class DocumentFile(MethodView):
    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.DOSSIER_DETAILS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str, document_id: int):
        """The file as uploaded; its ETag is its SHA-256."""
        return _file(documents.download(request_context(), runtime().documents, code, document_id))


@blp.route("/agency/dossiers/<code>/result")
class AgencyResult(MethodView):
    @blp.auth(Role.OFFICER, agency_key=True)
    @blp.arguments(schemas.ResultUploadSchema, location="multipart")
    @blp.response(201, schemas.ResultSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, form, code: str):
        """The result PDF of a dossier this agency decides, sealed in the agency's name (PAdES)."""
        rt, upload = runtime(), form["file"]
        return results.upload(request_context(), rt.authority, rt.vault, rt.documents, code, file_name=upload.filename,
                              stream=upload.stream)


@blp.route("/dossiers/<code>/result")
class Result(MethodView):
    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.DOSSIER_DETAILS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    @blp.alt_response(304, description="Not modified (If-None-Match)")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str):
        """The sealed result document; check it with POST /signatures/verify."""
        return _file(results.download(request_context(), runtime().documents, code))


def _file(found: documents.Download) -> Response:
    answer = Response(found.chunks, mimetype=found.media_type, headers={
        "Content-Length": str(found.size), "Cache-Control": "private, no-cache",
        "Content-Disposition": _disposition(found.file_name)})
    answer.set_etag(found.sha256)
    return answer.make_conditional(request)


def _disposition(name: str) -> str:
    return f"attachment; filename=\"{ascii_file_name(name)}\"; filename*=UTF-8''{quote(name)}"
