"""Fees paid online: the owner pays a dossier's fee at the gateway; the gateway calls back."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.dossiers import schemas
from api.pagination import PageQuery, page_of
from api.runtime import runtime
from models.identity import Role
from services.identity.assurance import Sensitive
from services.dossiers import payments
from services.payments.gateway import SIGNATURE_HEADER

blp = Blueprint("dossier_payments", __name__, url_prefix="/api/v1", description="Fees paid online")


@blp.route("/dossiers/<code>/payments")
class Payments(MethodView):
    @blp.auth(Role.CITIZEN, needs=Sensitive.DOSSIER_FILING)
    @blp.idempotent()
    @blp.response(201, schemas.PaymentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def post(self, code: str):
        """Pay what the dossier owes: a payment at the gateway, its VietQR and page to pay on."""
        return payments.create(request_context(), runtime().payments, code)

    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.DOSSIER_DETAILS)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.PaymentSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, code: str):
        """The dossier's payments, oldest first (a page), with their receipt numbers once paid."""
        return payments.list_payments(request_context(), code, **query)


@blp.route("/dossiers/<code>/payments/<int:payment_id>/receipt")
class PaymentReceipt(MethodView):
    @blp.auth(Role.CITIZEN, Role.OFFICER, needs=Sensitive.DOSSIER_DETAILS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, code: str, payment_id: int):
        """The electronic receipt (PDF) of a paid payment; its number is in `X-Receipt-Number`."""
        found = payments.receipt(request_context(), code, payment_id)
        return Response(found.content, mimetype="application/pdf", headers={
            "X-Receipt-Number": found.number,
            "Content-Disposition": f'attachment; filename="bien-lai-{found.number}.pdf"'})


@blp.route("/payments/callbacks/<gateway>")
class Callback(MethodView):
    @blp.response(200, schemas.CallbackAnswerSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, gateway: str):
        """A gateway's callback, trusted by its HMAC signature (`X-Payment-Signature`); repeats are harmless."""
        return payments.receive_callback(request_context(), runtime().payments, gateway, request.get_data(),
                                         request.headers.get(SIGNATURE_HEADER))
