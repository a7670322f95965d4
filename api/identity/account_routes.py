"""/me, the signed-in devices, the security log, the officer's identity check and recovery."""
from __future__ import annotations

import uuid

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.identity import schemas
from api.language import account_language_changed
from api.pagination import PageQuery, page_of
from api.runtime import runtime
from models.identity import Role
from services.data_access import tracker
from services.identity import accounts, recovery, security_log

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="The signed-in account")


@blp.route("/me")
class Me(MethodView):
    @blp.auth()
    @blp.etag
    @blp.response(200, schemas.ProfileSchema)
    def get(self):
        """The signed-in account, with the ward or commune (2025 code) the registry has the person in."""
        return accounts.profile(request_context())

    @blp.auth()
    @blp.arguments(schemas.ProfileChangeSchema)
    @blp.response(200, schemas.ProfileSchema)
    def patch(self, change):
        """Change the account's preferences: `language` (`vi` or `en`). The answer already speaks
        the new language (unless Accept-Language names another)."""
        changed = accounts.set_language(request_context(), change["language"])
        account_language_changed(change["language"])
        return changed


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
@blp.route("/me/security-events")
class SecurityEvents(MethodView):
    @blp.auth()
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(schemas.SecurityEventSchema))
    def get(self, query):
        """The account's security log, newest first: sign-ins, new devices, level changes, recoveries."""
        return security_log.own_events(request_context(), **query)


@blp.route("/officer/accounts/recover")
class RecoverAccount(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.arguments(schemas.RecoverySchema)
    @blp.response(200, schemas.IdentityCheckResultSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body):
        """After an in-person check: every old session ends, the phone becomes the one checked."""
        return recovery.recover_at_counter(request_context(), runtime().sign_in, **body)
