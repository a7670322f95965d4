"""/me, the signed-in devices, and the officer's in-person identity check."""
from __future__ import annotations

import uuid

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.identity import schemas
from api.pagination import PageQuery, page_of
from api.runtime import runtime
from models.identity import Role
from services.data_access import tracker
from services.identity import accounts

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="The signed-in account")


@blp.route("/me")
class Me(MethodView):
    @blp.auth()
    @blp.etag
    @blp.response(200, schemas.ProfileSchema)
    def get(self):
        """The signed-in account, with the ward or commune (2025 code) the registry has the person in."""
        return accounts.profile(request_context())


@blp.route("/me/sessions")
class Sessions(MethodView):
    @blp.auth()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.SessionSchema))
    def get(self, query):
        """The signed-in devices, newest first."""
        ctx = request_context()
        page = runtime().sign_in.list_sessions(ctx, **query)
        items = [{**vars(s), "current": s.id == ctx.principal.session_id} for s in page.items]
        return {"items": items, "next_cursor": page.next_cursor}


@blp.route("/me/sessions/<uuid:session_id>")
class OneSession(MethodView):
    @blp.auth()
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, session_id: uuid.UUID):
        """Sign out one device."""
        runtime().sign_in.end_session(request_context(), session_id)


@blp.route("/officer/identity-verifications")
class IdentityChecks(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.arguments(schemas.IdentityCheckSchema)
    @blp.response(200, schemas.IdentityCheckResultSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, body):
        """Record an in-person check: the citizen's account becomes assurance level 2."""
        return accounts.verify_in_person(request_context(), body["national_id"], body["method"])


@blp.route("/me/data-access")
class DataAccess(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.DataAccessEntrySchema))
    def get(self, query):
        """Who looked up or changed my dossiers, identity or signatures (staff, agency systems), newest first."""
        return tracker.list_mine(request_context(), **query)
