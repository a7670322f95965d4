"""Adoption metrics: usage counting on every citizen request, the indicator API, the dashboard.

`init_app(app)` (called once from create_app) counts uses in an after_request hook with the
runtime's usage counter and adds the /dashboard pages. With the in-process store the serving
process also folds its own counters (api/metrics/inprocess_rollup.py).
"""
from __future__ import annotations

from flask import Flask, Response, g, request

from api.runtime import runtime
from models.identity import Role
from services.metrics.usage import FEATURE_OF_BLUEPRINT


def _count_use(response: Response) -> Response:
    """One use of the request's feature by the signed-in citizen (see FEATURE_OF_BLUEPRINT)."""
    principal, parts = g.get("principal"), runtime()
    if (principal is None or response.status_code >= 500 or not principal.has_role(Role.CITIZEN)
            or not parts.settings.metrics_usage_counting):
        return response
    feature = FEATURE_OF_BLUEPRINT.get(request.blueprint or "")
    if feature is not None:
        parts.usage.count(principal.account_id, principal.district_code, feature, parts.clock.now())
    return response


def init_app(app: Flask) -> None:
    from api.metrics import dashboard, inprocess_rollup

    app.after_request(_count_use)
    app.register_blueprint(dashboard.bp)
    inprocess_rollup.init_app(app)
