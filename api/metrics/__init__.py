"""Adoption metrics: usage counting on every citizen request, the indicator API, the dashboard.

Uses are counted with the runtime's usage counter on the token check's Redis round trip
(`queue_use`, called by api/auth.py); `init_app(app)` (called once from create_app) adds the
/dashboard pages. With the in-process store the serving
process also folds its own counters (api/metrics/inprocess_rollup.py).
"""
from __future__ import annotations

from flask import Flask, request

from api.runtime import runtime
from models.identity import Role
from services.identity.principal import Principal
from services.metrics.usage import FEATURE_OF_BLUEPRINT


def queue_use(pipe, principal: Principal):
    """One use of the request's feature by the signed-in citizen (see FEATURE_OF_BLUEPRINT),
    queued on the pipeline that reads the token's denylist (api/auth.py): no round trip of its
    own. It is counted once the token is accepted, before the answer is known."""
    parts = runtime()
    feature = FEATURE_OF_BLUEPRINT.get(request.blueprint or "")
    if feature is None or not principal.has_role(Role.CITIZEN) or not parts.settings.metrics_usage_counting:
        return None
    return parts.usage.queue(pipe, principal.account_id, principal.district_code, feature, parts.clock.now())


def init_app(app: Flask) -> None:
    from api.metrics import dashboard, inprocess_rollup

    app.register_blueprint(dashboard.bp)
    inprocess_rollup.init_app(app)
