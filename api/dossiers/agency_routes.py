"""What agencies (officers or their own systems with an API key) do to dossiers."""
from __future__ import annotations

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.dossiers import schemas
from models.identity import Role
from services.dossiers import actions, submission

blp = Blueprint("agency_dossiers", __name__, url_prefix="/api/v1/agency/dossiers",
                description="Agency side of public-service dossiers")


@blp.route("")
class Register(MethodView):
    @blp.auth(Role.OFFICER, agency_key=True)
    @blp.idempotent()
    @blp.arguments(schemas.CounterDossierSchema)
    @blp.response(201, schemas.DossierSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body):
        """Register a dossier handed in at the counter or sent by post (received now)."""
        return submission.register_received(request_context(), **body)


@blp.route("/<code>/transitions")
class Transitions(MethodView):
    @blp.auth(Role.OFFICER, agency_key=True)
    @blp.idempotent()
    @blp.arguments(schemas.TransitionSchema)
    @blp.response(200, schemas.DossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body, code: str):
        """Move a dossier of this agency; an illegal move is 409 with `current` and `allowed`."""
        return actions.transition(request_context(), code, **body)


@blp.route("/<code>/extensions")
class Extensions(MethodView):
    @blp.auth(Role.OFFICER, agency_key=True)
    @blp.idempotent()
    @blp.arguments(schemas.ExtensionSchema)
    @blp.response(201, schemas.DossierSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body, code: str):
        """A later due date, with the apology letter sent to the citizen."""
        return actions.extend(request_context(), code, **body)
