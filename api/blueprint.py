"""A flask-smorest Blueprint that also knows who may call a view and documents it."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

import flask_smorest
from flask import g

from api.auth import authenticate
from api.idempotency import HEADER, idempotent
from services.errors import Forbidden

BEARER = {"bearerAuth": []}
AGENCY_KEY = {"agencyKey": []}


class Blueprint(flask_smorest.Blueprint):
    def auth(self, *roles: str, min_level: int = 1, agency_key: bool = False,
             optional: bool = False) -> Callable:
        """Require a signed-in account with one of `roles` (any role when none is named).

        `agency_key` also admits an agency system's API key; `min_level` is the assurance
        level an account needs (403 `assurance_level_required` below it).
        """

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                principal = authenticate()
                if principal.kind == "agency_key":
                    if not agency_key:
                        raise Forbidden("Agency keys cannot call this.", code="forbidden_role")
                elif roles and not principal.has_role(*roles):
                    raise Forbidden("Your role cannot do this.", code="forbidden_role")
                elif principal.assurance_level < min_level:
                    raise Forbidden(f"This needs an account of assurance level {min_level}.",
                                    code="assurance_level_required")
                g.principal = principal
                return view(*args, **kwargs)

            security = [BEARER, AGENCY_KEY] if agency_key else [BEARER]
            wrapper = self.doc(security=security)(wrapper)
            wrapper = self.alt_response(401, response="UNAUTHORIZED")(wrapper)
            return self.alt_response(403, response="FORBIDDEN")(wrapper)

        return decorator

    def idempotent(self) -> Callable:
        """Replay the first answer to a repeated Idempotency-Key (see api/idempotency.py)."""

        def decorator(view: Callable) -> Callable:
            wrapper = idempotent(view)
            wrapper = self.doc(parameters=[{
                "in": "header", "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": 200},
                "description": "Retries with the same key and body get the first answer again."}])(wrapper)
            return wrapper

        return decorator
