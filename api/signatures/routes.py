"""Free digital signatures: catalogues, requests, the counter's queue, certificates, signing."""
from __future__ import annotations

import uuid

from flask import Response, request
from flask.views import MethodView

from api.context import request_context
from api.language import choose_language
from api.pagination import PageQuery, page_of
from api.runtime import runtime
from api.signatures import schemas
from api.signatures.multipart import MultipartBlueprint
from models.identity import Role
from services.identity.assurance import Sensitive
from services.signatures import archiving, catalogues, certificates, city_services, online, requests, signing, verification
from services.signatures.long_term import PadesLevel
from services.signatures.ocsp import REQUEST_MEDIA_TYPE as OCSP_REQUEST
from services.signatures.ocsp import RESPONSE_MEDIA_TYPE as OCSP_RESPONSE
from services.signatures.ocsp import request_from_get_path
from services.signatures.timestamps import QUERY_MEDIA_TYPE as TSA_QUERY
from services.signatures.timestamps import REPLY_MEDIA_TYPE as TSA_REPLY

blp = MultipartBlueprint("signatures", __name__, url_prefix="/api/v1", description="Free digital signatures")

PDF = "application/pdf"
CRL = "application/pkix-crl"
CERTIFICATE = "application/pkix-cert"


def _binary_body(media_type: str, description: str) -> dict:
    """The OpenAPI of a route whose body is one DER message (not JSON, not a form)."""
    return {"requestBody": {"required": True, "description": description,
                            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


@blp.route("/signature-providers")
class Providers(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.ProviderSchema))
    def get(self, query):
        """Certificate authorities taking part in the free programme."""
        return catalogues.list_providers(request_context(), **query)


@blp.route("/service-counters")
class Counters(MethodView):
    @blp.arguments(schemas.CounterQuery, location="query")
    @blp.response(200, page_of(schemas.CounterSchema))
    def get(self, query):
        """One-stop counters where identity is checked in person."""
        return catalogues.list_counters(request_context(), **query)


@blp.route("/signature-requests")
class NewRequest(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.idempotent()
    @blp.arguments(schemas.NewRequestSchema)
    @blp.response(201, schemas.CreatedRequestSchema)
    @blp.alt_response(202, schema=schemas.CreatedRequestSchema, description="Online: a code was texted")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body):
        """Ask for a free signature certificate: book the in-person check, or (level 2) online with a code."""
        if body.pop("channel") == "counter":
            return requests.submit(request_context(), **body)
        rt = runtime()
        started = online.submit(request_context(), rt.signing_challenges, rt.sms, provider_code=body["provider_code"])
        answer = {"public_id": started.public_id, "status": started.status, "challenge_id": started.challenge_id,
                  "expires_at": started.expires_at}
        if not rt.settings.production:
            answer["debug_otp"] = started.otp
        return answer, 202


@blp.route("/signature-requests/<uuid:request_id>/confirm")
class Confirm(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.arguments(schemas.ConfirmSchema)
    @blp.response(200, schemas.RequestSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, body, request_id: int):
        """Online issuance: the texted code confirms the request and the CA issues at once."""
        rt = runtime()
        return online.confirm(request_context(), rt.authority, rt.vault, rt.signing_challenges, request_id,
                              body["otp"])


@blp.route("/me/signature-requests")
class MyRequests(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.RequestSchema))
    def get(self, query):
        """My signature requests with their status history, newest first."""
        return requests.list_mine(request_context(), **query)


@blp.route("/signature-requests/<uuid:request_id>")
class OneRequest(MethodView):
    @blp.auth(Role.CITIZEN, Role.OFFICER)
    @blp.etag
    @blp.response(200, schemas.RequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, request_id: uuid.UUID):
        """One request with its history (owner, or an officer of its counter)."""
        return requests.get(request_context(), request_id)


@blp.route("/signature-requests/<uuid:request_id>/cancel")
class Cancel(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.response(200, schemas.RequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, request_id: uuid.UUID):
        """Cancel my request (only before approval)."""
        return requests.cancel(request_context(), request_id)


@blp.route("/officer/signature-requests")
class Queue(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.arguments(schemas.QueueQuery, location="query")
    @blp.response(200, page_of(schemas.RequestSchema))
    def get(self, query):
        """The queue of my counter, by status and appointment day."""
        return requests.queue(request_context(), day=query.pop("date", None), **query)


@blp.route("/signature-requests/<uuid:request_id>/approve")
class Approve(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.arguments(schemas.ApproveSchema)
    @blp.response(200, schemas.RequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, body, request_id: uuid.UUID):
        """The person was checked in person: level 2, and the CA issues the certificate."""
        rt = runtime()
        return requests.approve(request_context(), rt.authority, rt.vault, request_id, **body)


@blp.route("/signature-requests/<uuid:request_id>/reject")
class Reject(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.arguments(schemas.RejectSchema)
    @blp.response(200, schemas.RequestSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body, request_id: uuid.UUID):
        """Refuse the request, with a reason the citizen reads."""
        return requests.reject(request_context(), request_id, body["reason"])


@blp.route("/me/certificates")
class MyCertificates(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.CERTIFICATES)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.CertificateSchema))
    def get(self, query):
        """My certificates, newest first; the status is computed from the dates."""
        return certificates.list_mine(request_context(), **query)


@blp.route("/certificates/<string:serial>/revoke")
class Revoke(MethodView):
    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.CERTIFICATES)
    @blp.arguments(schemas.RevokeSchema)
    @blp.response(200, schemas.CertificateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body, serial: str):
        """Revoke a certificate (its holder, or an officer at any counter); staff see the ID number masked."""
        return certificates.revoke(request_context(), serial, body["reason"])


@blp.route("/certificates/<string:serial>/renew")
class Renew(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.CERTIFICATES)
    @blp.response(201, schemas.CertificateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, serial: str):
        """A new certificate from 30 days before expiry, without a counter visit."""
        rt = runtime()
        return certificates.renew(request_context(), rt.authority, rt.vault, serial)


@blp.route("/ca/crl")
class RevocationList(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=CRL)
    def get(self):
        """The issuing CA's current CRL (DER)."""
        crl = certificates.current_crl(request_context(), runtime().authority)
        return Response(crl, mimetype=CRL, headers={"Cache-Control": "public, max-age=300",
                                                    "Content-Disposition": 'attachment; filename="ihanoi-ca.crl"'})


@blp.route("/me/signatures")
class MySignatures(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.SIGNING)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.SignedDocumentSchema))
    def get(self, query):
        """Every document I signed here: file name, SHA-256, time, certificate serial, level (no content)."""
        return signing.list_mine(request_context(), **query)


@blp.route("/ca/certificates")
class CaCertificates(MethodView):
    @blp.response(200, schemas.CaCertificatesSchema)
    def get(self):
        """The root and issuing CA certificates (PEM), for building any certificate's chain."""
        return certificates.published_chain(request_context(), runtime().authority)


@blp.route("/ca/certificates/<string:name>.cer")
class CaCertificate(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=CERTIFICATE)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, name: str):
        """One CA certificate in DER, `root` or `issuing`: where certificates' caIssuers address points."""
        der = certificates.published_certificate(request_context(), runtime().authority, name)
        return Response(der, mimetype=CERTIFICATE, headers={"Cache-Control": "public, max-age=86400"})


@blp.route("/ca/tsa")
class TimeStamping(MethodView):
    @blp.doc(**_binary_body(TSA_QUERY, "An RFC 3161 TimeStampReq (DER)"))
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=TSA_REPLY)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self):
        """RFC 3161 timestamp authority: application/timestamp-query in, application/timestamp-reply out."""
        reply = city_services.stamp(request_context(), runtime().authority, request.get_data(), request.mimetype)
        return Response(reply, mimetype=TSA_REPLY)


@blp.route("/ca/ocsp")
class Ocsp(MethodView):
    @blp.doc(**_binary_body(OCSP_REQUEST, "An RFC 6960 OCSPRequest (DER)"))
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=OCSP_RESPONSE)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self):
        """RFC 6960 OCSP responder: good, revoked (with reason and time) or unknown."""
        answer = city_services.answer_ocsp(request_context(), runtime().authority, request.get_data(),
                                           request.mimetype)
        return Response(answer, mimetype=OCSP_RESPONSE)


@blp.route("/ca/ocsp/<path:encoded>")
class OcspGet(MethodView):
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=OCSP_RESPONSE)
    @blp.alt_response(404, response="NOT_FOUND", description="An empty request path routes nowhere")
    def get(self, encoded: str):
        """The GET form of OCSP: the DER request base64- and URL-encoded in the path (RFC 6960 A.1)."""
        answer = city_services.answer_ocsp(request_context(), runtime().authority, request_from_get_path(encoded))
        return Response(answer, mimetype=OCSP_RESPONSE, headers={"Cache-Control": "public, max-age=60"})


@blp.route("/signatures/challenges")
class Challenges(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.SIGNING)
    @blp.response(202, schemas.ChallengeSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self):
        """Text a one-time signing code to my phone."""
        started = signing.start(request_context(), runtime().signing_challenges, runtime().sms)
        body = {"challenge_id": started.challenge.challenge_id, "expires_at": started.challenge.expires_at,
                "certificate_serial": started.certificate_serial}
        if not runtime().settings.production:
            body["debug_otp"] = started.challenge.otp
        return body


@blp.route("/signatures/sign")
class Sign(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.SIGNING)
    @blp.arguments(schemas.SignFormSchema, location="multipart")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=PDF)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    def post(self, form):
        """Sign an uploaded PDF (PAdES) with my key, using the code texted to me."""
        rt, upload = runtime(), form["file"]
        signed = signing.sign(request_context(), rt.authority, rt.vault, rt.signing_challenges,
                              challenge_id=form["challenge_id"], otp=form["otp"], data=upload.read(),
                              filename=upload.filename, max_bytes=rt.settings.signature_max_pdf_bytes,
                              level=PadesLevel(form["level"]))
        return Response(signed.content, mimetype=PDF, headers={
            "Content-Disposition": f'attachment; filename="{_ascii(signed.filename)}"',
            "X-Certificate-Serial": signed.certificate_serial})


@blp.route("/signatures/verify")
class Verify(MethodView):
    @blp.arguments(schemas.PdfFileSchema, location="multipart")
    @blp.response(200, schemas.VerificationSchema)
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, files):
        """Check the signatures of a PDF (at most 10): intact, trust path, not revoked when signed;
        the summary speaks the Accept-Language (vi or en). Limited per address."""
        return verification.verify(request_context(), runtime().authority, files["file"].read(),
                                   max_bytes=runtime().settings.signature_max_pdf_bytes,
                                   language=choose_language(request.headers.get("Accept-Language"), None))


@blp.route("/signatures/archive")
class Archive(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.arguments(schemas.PdfFileSchema, location="multipart")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=PDF)
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, files):
        """PAdES B-LTA: the signed PDF back with its revocation data and a document timestamp added.
        Limited per address with the verifier."""
        upload = files["file"]
        archived = archiving.archive(request_context(), runtime().authority, upload.read(),
                                     max_bytes=runtime().settings.signature_max_pdf_bytes)
        stem = (upload.filename or "document.pdf").rsplit("/", 1)[-1].removesuffix(".pdf")
        return Response(archived, mimetype=PDF,
                        headers={"Content-Disposition": f'attachment; filename="{_ascii(stem)}-lta.pdf"'})


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
