"""A flask-smorest Blueprint that also knows who may call a view and documents it."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Iterator

import flask_smorest
import marshmallow as ma
from flask import g
from webargs.flaskparser import FlaskParser

from api.auth import authenticate
from api.idempotency import HEADER, MAX_KEY_LENGTH, idempotent
from models.identity import PrincipalKind
from services.errors import Forbidden, ValidationFailed
from services.identity.assurance import Sensitive, require_level
from services.messages import lazy_text

BEARER = {"bearerAuth": []}
AGENCY_KEY = {"agencyKey": []}
BODY_LOCATIONS = ("json", "form", "files", "multipart", "json_or_multipart")
# What any request body can meet before its schema is read: a body that does not parse
# (400), one over MAX_CONTENT_LENGTH (413). (415, a media type other than JSON/multipart,
# is documented on every POST/PUT/PATCH by api/openapi.py.)
BODY_ERRORS = ((400, "BAD_REQUEST"), (413, "REQUEST_ENTITY_TOO_LARGE"))


def paths_with_nul(value: Any, path: str = "") -> Iterator[str]:
    """Where U+0000 hides in parsed input (keys and strings, nested), as field paths."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "_body"
    elif hasattr(value, "items"):
        pairs = value.items(multi=True) if hasattr(value, "getlist") else value.items()
        for key, item in pairs:
            key = str(key)
            where = f"{path}.{key}" if path else key
            if "\x00" in key:
                yield where
            yield from paths_with_nul(item, where)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from paths_with_nul(item, f"{path}.{index}" if path else str(index))


class ArgumentsParser(FlaskParser):
    """Unknown query parameters are refused (422) like unknown body fields: a misspelt filter
    (`?stauts=open`) must not quietly answer with the unfiltered list. Text holding U+0000
    is refused (422 `nul_character`) before it reaches a rule: PostgreSQL cannot store it."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
                                   "query": ma.RAISE, "querystring": ma.RAISE}

    def pre_load(self, location_data: Any, *, schema: ma.Schema, req: Any, location: str) -> Any:
        # Query and form proxies show one value per key; look at every value sent.
        raw = {"query": req.args, "querystring": req.args, "form": req.form,
               "multipart": req.form, "headers": dict(req.headers)}.get(location, location_data)
        found = sorted(set(paths_with_nul(raw)))
        if found:
            raise ValidationFailed(lazy_text("blueprint.text_cannot_contain_nul"),
                                   errors={path: [lazy_text("http.nul_character")] for path in found},
                                   code="nul_character")
        return location_data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()

    def auth(self, *roles: str, needs: Sensitive | None = None, agency_key: bool = False) -> Callable:
        """Require a signed-in account with one of `roles` (any role when none is named).

        `agency_key` also admits an agency system's API key; `needs` names the sensitive
        action whose assurance level an account must hold (services/identity/assurance.py:
        REQUIRED_LEVEL; 403 `assurance_level_required` below it).
        """

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                principal = authenticate()
                if principal.kind == PrincipalKind.AGENCY_KEY:
                    if not agency_key:
                        raise Forbidden(lazy_text("blueprint.agency_keys_cannot_call"), code="forbidden_role")
                elif roles and not principal.has_role(*roles):
                    raise Forbidden(lazy_text("blueprint.role_cannot_do"), code="forbidden_role")
                elif needs is not None:
                    require_level(principal, needs)
                g.principal = principal
                return view(*args, **kwargs)

            security = [BEARER, AGENCY_KEY] if agency_key else [BEARER]
            wrapper = self.doc(security=security)(wrapper)
            wrapper = self.alt_response(401, response="UNAUTHORIZED")(wrapper)
            return self.alt_response(403, response="FORBIDDEN")(wrapper)

        return decorator

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Callable:
        """flask-smorest's `arguments`, also documenting the failures of a request body."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location not in BODY_LOCATIONS:
            return parse

        def decorator(view: Callable) -> Callable:
            wrapper = parse(view)
            for status, name in BODY_ERRORS:
                wrapper = self.alt_response(status, response=name)(wrapper)
            return wrapper

        return decorator

    def idempotent(self) -> Callable:
        """Replay the first answer to a repeated Idempotency-Key (see api/idempotency.py)."""

        def decorator(view: Callable) -> Callable:
            wrapper = idempotent(view)
            wrapper = self.doc(parameters=[{
                "in": "header", "name": HEADER, "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH,
                           "pattern": "^[\\x20-\\x7e]+$"},
                "description": "Retries with the same key and body get the first answer again."}])(wrapper)
            return wrapper

        return decorator
