"""Every blueprint a citizen can call counts as a feature: derived from the app's routes."""
from __future__ import annotations

import uuid

from flask import g
from werkzeug.routing import IntegerConverter, UUIDConverter

from services.metrics.periods import local_today
from services.metrics.usage import FEATURE_OF_BLUEPRINT, requests_key

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _path(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        else:
            values[name] = "X1"
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if "." in rule.endpoint:  # blueprint routes (app-level ones are static files)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint.split(".", 1)[0], method, _path(rule)


def test_every_blueprint_a_citizen_can_call_is_counted_as_a_feature(app, client, people):
    """Each route is called by a fresh signed-in citizen (level 2); where the citizen got past
    the sign-in check, the route's blueprint must be mapped to a feature and be counted."""
    assert len(app.blueprints) > 8
    reached: set[str] = set()
    for blueprint, method, path in _routes(app):
        citizen = people.citizen(assurance_level=2, district_code="001")
        with client:
            answer = client.open(path, method=method, headers=citizen.headers,
                                 json={} if method in BODY_METHODS else None)
            principal = g.get("principal")
            assert answer.status_code < 500, (method, path, answer.get_data(as_text=True))
            if principal is not None and principal.has_role("citizen"):
                reached.add(blueprint)

    assert reached - set(FEATURE_OF_BLUEPRINT) == set(), "citizen blueprints not in FEATURE_OF_BLUEPRINT"
    assert set(FEATURE_OF_BLUEPRINT) == reached, "mapped blueprints no citizen can call"
    kv, today = app.extensions["runtime"].kv, local_today()
    counted = {feature for feature in set(FEATURE_OF_BLUEPRINT.values())
               if kv.get(requests_key(today, "001", feature))}
    assert counted == set(FEATURE_OF_BLUEPRINT.values())
