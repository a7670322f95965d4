"""/auth: sign-up with registry match and OTP, sign-in, refresh, logout."""
from __future__ import annotations

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.identity import schemas
from api.runtime import runtime
from services.identity.registration import Applicant

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-up and sign-in")


def _token_body(pair) -> dict:
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
            "token_type": pair.token_type, "expires_in": pair.expires_in,
            "session_id": pair.session_id}


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(schemas.RegisterSchema)
    @blp.response(202, schemas.VerificationStartedSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, applicant):
        """Check the person against the population registry and text an OTP to the phone."""
        challenge = runtime().registration.start(request_context(), Applicant(**applicant))
        body = {"verification_id": challenge.challenge_id, "expires_at": challenge.expires_at}
        if not runtime().settings.production:
            body["debug_otp"] = challenge.otp
        return body


@blp.route("/register/verify")
class VerifyRegistration(MethodView):
    @blp.arguments(schemas.VerifyRegistrationSchema)
    @blp.response(201, schemas.RegisteredSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """Confirm the OTP: the level-1 account is created and signed in."""
        account, pair = runtime().registration.verify(
            request_context(), body["verification_id"], body["otp"], body.get("device_name"))
        return {"account": account, **_token_body(pair)}


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(schemas.SignInSchema)
    @blp.response(200, schemas.TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """Sign in with the ID number and password."""
        pair = runtime().sign_in.sign_in(request_context(), body["national_id"], body["password"],
                                         body.get("device_name"))
        return _token_body(pair)


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(schemas.RefreshSchema)
    @blp.response(200, schemas.TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body):
        """Trade a refresh token for a new pair; a spent token ends the whole session."""
        return _token_body(runtime().sign_in.refresh(request_context(), body["refresh_token"]))


@blp.route("/logout")
class Logout(MethodView):
    @blp.auth()
    @blp.response(204)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self):
        """End the current session: its access and refresh tokens stop working at once."""
        runtime().sign_in.logout(request_context())


@blp.route("/eid/authorize")
class EidAuthorize(MethodView):
    @blp.arguments(schemas.EidAuthorizeQuery, location="query")
    @blp.response(200, schemas.EidAuthorizationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(502, response="BAD_GATEWAY")
    def get(self, query):
        """Start signing in with the national e-ID: where to send the citizen (state kept 10 minutes)."""
        return runtime().eid.authorize(request_context(), **query)


@blp.route("/eid/callback")
class EidCallback(MethodView):
    @blp.arguments(schemas.EidCallbackSchema)
    @blp.response(200, schemas.EidSignedInSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.alt_response(502, response="BAD_GATEWAY")
    def post(self, body):
        """Finish the e-ID sign-in: the first one opens the account, a level-2 one may take it back."""
        done = runtime().eid.complete(request_context(), **body)
        return {"account": done.account, "account_created": done.account_created, **_token_body(done.pair)}
