"""The flask-smorest Api, documenting every error as problem+json."""
from __future__ import annotations

import http

import flask_smorest
from apispec import BasePlugin
from flask_smorest.utils import prepare_response
from werkzeug.routing import IntegerConverter, UnicodeConverter

from api.problems import PROBLEM_JSON, ProblemSchema
from models.types import BIGINT_MAX


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Any other failure", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in a path: a row id, so at most a bigint; a larger number finds no route
    (404) instead of overflowing the database driver. Documented as `maximum`."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = BIGINT_MAX, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<code>` in a path: any text but U+0000, which names nothing (404) and which
    PostgreSQL cannot even compare."""

    def __init__(self, url_map, minlength: int = 1, maxlength: int | None = None,
                 length: int | None = None) -> None:
        super().__init__(url_map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


class BodyMethodsPlugin(BasePlugin):
    """Any POST/PUT/PATCH may meet the media-type gate (415), body declared or not."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {}) if method in BODY_METHODS else {}
            if method in BODY_METHODS and 415 not in responses and "415" not in responses:
                responses["415"] = "UNSUPPORTED_MEDIA_TYPE"


BODY_METHODS = ("post", "put", "patch")


def make_api(app) -> Api:
    # Before any blueprint adds its rules.
    app.url_map.converters.update({"int": RowIdConverter, "default": TextConverter, "string": TextConverter})
    api = Api(app, spec_kwargs={"servers": [{"url": "/"}], "extra_plugins": [BodyMethodsPlugin()]})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.components.security_scheme(
        "agencyKey", {"type": "apiKey", "in": "header", "name": "Authorization",
                      "description": "`ApiKey <key>` for agency systems"})
    return api
