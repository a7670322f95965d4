"""Adoption metrics: usage counting on every citizen request, the indicator API, the dashboard.

`init_app(app)` (called once from create_app) reads the metrics settings, puts the usage
counter in `app.extensions["metrics"]`, counts uses in an after_request hook and adds the
/dashboard pages. With the in-process store the serving process also folds its own
counters (api/metrics/inprocess_rollup.py).
"""
from __future__ import annotations

import os

from flask import Flask, Response, current_app, g, request

from api.config import ConfigError, _int
from models.identity import Role
from services import clock
from services.metrics.usage import FEATURE_OF_BLUEPRINT, UsageCounter


def load_settings(app: Flask, env=os.environ) -> None:
    """Environment settings (README table); values set by create_app overrides win."""
    defaults = {
        "METRICS_SUPPRESSION_THRESHOLD": _int(env, "METRICS_SUPPRESSION_THRESHOLD", 10),
        "METRICS_REDIS_RETENTION_DAYS": _int(env, "METRICS_REDIS_RETENTION_DAYS", 3),
        "METRICS_ROLLUP_INTERVAL_SECONDS": _int(env, "METRICS_ROLLUP_INTERVAL_SECONDS", 300),
        "METRICS_USAGE_COUNTING": env.get("METRICS_USAGE_COUNTING", "on").lower() not in ("off", "0", "false"),
    }
    for name, value in defaults.items():
        app.config.setdefault(name, value)
    # The dashboard's session cookie carries its tokens: script cannot read it, other sites cannot send it.
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["APP_ENV"] == "production")
    if app.config["METRICS_SUPPRESSION_THRESHOLD"] < 1:
        raise ConfigError("METRICS_SUPPRESSION_THRESHOLD must be at least 1")
    if app.config["METRICS_REDIS_RETENTION_DAYS"] < 1:
        raise ConfigError("METRICS_REDIS_RETENTION_DAYS must be at least 1")


def usage_counter() -> UsageCounter:
    return current_app.extensions["metrics"]


def _count_use(response: Response) -> Response:
    """One use of the request's feature by the signed-in citizen (see FEATURE_OF_BLUEPRINT)."""
    principal = g.get("principal")
    if (principal is None or response.status_code >= 500 or not principal.has_role(Role.CITIZEN)
            or not current_app.config["METRICS_USAGE_COUNTING"]):
        return response
    feature = FEATURE_OF_BLUEPRINT.get(request.blueprint or "")
    if feature is not None:
        usage_counter().count(principal.account_id, principal.district_code, feature, clock.utcnow())
    return response


def init_app(app: Flask) -> None:
    from api.metrics import dashboard, inprocess_rollup

    load_settings(app)
    app.extensions["metrics"] = UsageCounter(app.extensions["runtime"].kv,
                                             app.config["METRICS_REDIS_RETENTION_DAYS"])
    app.after_request(_count_use)
    app.register_blueprint(dashboard.bp)
    inprocess_rollup.init_app(app)
