"""HTTP layer: the app factory wires configuration, runtime parts, blueprints and the CLI."""
from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from api import body_depth, database, language, metrics, problems, request_log
from api.docs import docs_assets
from api.openapi import make_api
from api.runtime import RUNTIME, build_runtime, flask_secret_key
from services.errors import UnsupportedMediaType
from services.settings import Settings
from services.messages import lazy_text

log = logging.getLogger(__name__)

BODY_TYPES = ("application/json", "multipart/form-data")
# Binary protocol bodies, each accepted on its one path (RFC 3161 timestamps, RFC 6960 OCSP).
PROTOCOL_BODY_TYPES = {"/api/v1/ca/tsa": "application/timestamp-query", "/api/v1/ca/ocsp": "application/ocsp-request"}
AUTH_PREFIX = "/api/v1/auth/"
DASHBOARD_SIGN_IN = "/dashboard/sign-in"
VERIFY_PATH = "/api/v1/signatures/verify"  # anyone may call it: limited per address too
ARCHIVE_PATH = "/api/v1/signatures/archive"  # the same work and more: one budget with the verifier


def _blueprints() -> list[Any]:
    from api import probes
    from api.health import routes as health_routes
    from api.identity import account_routes, auth_routes
    from api.dossiers import agency_routes as agency_dossier_routes
    from api.dossiers import application_routes as dossier_application_routes
    from api.dossiers import document_routes as dossier_document_routes
    from api.dossiers import payment_routes as dossier_payment_routes
    from api.dossiers import rating_routes as dossier_rating_routes
    from api.dossiers import routes as dossier_routes
    from api.metrics import routes as metrics_routes
    from api.metrics import service_index as service_index_routes
    from api.notifications import routes as notification_routes
    from api.signatures import routes as signature_routes
    from api.units import routes as unit_routes

    return [probes.blp, auth_routes.blp, account_routes.blp, notification_routes.blp,
            health_routes.blp, signature_routes.blp, dossier_routes.blp, agency_dossier_routes.blp,
            metrics_routes.blp, unit_routes.blp, dossier_document_routes.blp, dossier_payment_routes.blp,
            dossier_rating_routes.blp, service_index_routes.blp, dossier_application_routes.blp]


def _reject_unknown_body_types() -> None:
    if (request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH")
            and (request.content_length or request.headers.get("Transfer-Encoding"))
            and request.mimetype not in (*BODY_TYPES, PROTOCOL_BODY_TYPES.get(request.path))):
        raise UnsupportedMediaType(lazy_text("__init__.send_items_s_value", items=' or '.join(BODY_TYPES), value=request.mimetype or 'no type'))


def _flask_config(settings: Settings) -> dict[str, Any]:
    """Flask's and flask-smorest's own keys, copied from the settings."""
    return {
        "TESTING": settings.app_env == "testing",
        "SECRET_KEY": flask_secret_key(settings),
        "MAX_CONTENT_LENGTH": settings.max_upload_bytes,
        # The dashboard's session cookie carries its tokens: script cannot read it, other sites cannot send it.
        "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.production,
        "API_TITLE": "iHanoi citizen backend", "API_VERSION": "v1", "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1", "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs", "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
    }


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The app; `overrides` are settings by their environment names (tests, benchmarks)."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None,
                instance_relative_config=False)
    settings = Settings.load(os.environ, overrides, instance_path=app.instance_path)
    app.config.update(_flask_config(settings))
    app.json.sort_keys = False
    app.json.ensure_ascii = False  # Vietnamese names as UTF-8, not \u escapes
    request_log.configure_logging(settings.log_level)

    app.extensions[RUNTIME] = build_runtime(settings)
    request_log.init_app(app)  # before database: its line shows the status after the commit
    database.init_app(app)
    language.init_app(app)  # Accept-Language, then the account's preference; Content-Language on every answer
    app.before_request(_reject_unknown_body_types)
    app.before_request(body_depth.reject_deep_json)  # before webargs' json.loads can recurse

    if settings.trusted_proxy_count:  # the client's address as the production proxies saw it
        count = settings.trusted_proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    # Redis away: the limits hold per process in memory until it answers again (one warning,
    # not a traceback per request); see SECURITY.md, "When Redis is away".
    limiter = Limiter(get_remote_address, app=app,
                      storage_uri=settings.redis_url or "memory://",
                      in_memory_fallback_enabled=True, swallow_errors=True, headers_enabled=True)
    # Only the sign-in doors and the open verifier are limited per address; skip the limiter's work
    # on every other request.
    limiter.request_filter(lambda: not (request.path.startswith(AUTH_PREFIX)
                                         or request.path in (DASHBOARD_SIGN_IN, VERIFY_PATH, ARCHIVE_PATH)))
    # One budget per address shared by every /auth/* route and the dashboard's sign-in form.
    sign_in_budget = limiter.shared_limit(lambda: settings.auth_rate_limit, scope="sign-in")
    api = make_api(app)
    problems.init_app(app)  # after the Api, whose own handler it replaces
    for blueprint in _blueprints():
        if blueprint.name == "auth":
            sign_in_budget(blueprint)
        api.register_blueprint(blueprint)
    signature_checks = limiter.shared_limit(lambda: settings.signature_verify_rate_limit, scope="signature-checks")
    for view in ("signatures.Verify", "signatures.Archive"):
        app.view_functions[view] = signature_checks(app.view_functions[view])
    app.register_blueprint(docs_assets)
    metrics.init_app(app)
    language.init_app(app)  # Flask-Babel on services/messages: `_()` in the dashboard's templates
    app.view_functions["dashboard.sign_in"] = sign_in_budget(app.view_functions["dashboard.sign_in"])

    from api.cli import register_commands

    register_commands(app)
    return app
