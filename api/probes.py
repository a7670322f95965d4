"""Liveness and readiness probes, and the public keys that verify access tokens."""
from __future__ import annotations

import marshmallow as ma
import redis
from flask.views import MethodView
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.blueprint import Blueprint
from api.runtime import runtime
from services.errors import Unavailable
from services.messages import lazy_text

blp = Blueprint("probes", __name__, url_prefix="", description="Probes and public keys")


class ProbeSchema(ma.Schema):
    status = ma.fields.String()
    database = ma.fields.String()
    redis = ma.fields.String()


class JwksSchema(ma.Schema):
    keys = ma.fields.List(ma.fields.Dict())


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, ProbeSchema)
    def get(self):
        """The process is alive."""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ProbeSchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """The database and Redis answer."""
        try:
            with runtime().engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise Unavailable(lazy_text("probes.database_does_answer"), code="database_unavailable") from exc
        try:
            runtime().kv.ping()
        except redis.RedisError as exc:
            raise Unavailable(lazy_text("probes.redis_does_answer"), code="redis_unavailable") from exc
        return {"status": "ready", "database": "ok", "redis": "ok"}


@blp.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @blp.response(200, JwksSchema)
    def get(self):
        """Public keys (JWK set) that verify access tokens."""
        return runtime().tokens.jwks()
