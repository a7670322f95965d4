"""Which language a response speaks: Accept-Language, then the account's preference, then Vietnamese.

`init_app(app)` (the integrator calls it from the app factory) wires Flask-Babel to the
message catalogue of services/messages, so `flask_babel.gettext` and `_()` in Jinja templates
(the dashboard) read the same `.po` files as the services, and every response says
`Content-Language` (with `Vary: Accept-Language`, since the body depends on that header).

Services never ask Flask: the route layer reads `request_language()` once, after
authentication, and hands the plain value ("vi" or "en") to the service in its Context.
"""
from __future__ import annotations

from typing import Any

import flask_babel
from flask import Flask, Response, g, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from services.messages import DEFAULT_LANGUAGE, LANGUAGES, translator

HANOI_TIME_ZONE = "Asia/Ho_Chi_Minh"


def choose_language(accept_language: str | None, account_preference: str | None) -> str:
    """The first language of the header we speak (by primary subtag: "en-US" is "en"), else the
    account's preference, else Vietnamese. A bare "*" states no preference."""
    for tag, quality in parse_accept_header(accept_language, LanguageAccept):
        if quality <= 0:
            continue
        if tag == "*":
            break
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return account_preference if account_preference in LANGUAGES else DEFAULT_LANGUAGE


def request_language() -> str:
    """The language of the current request. Authentication sets `g.account_language` from the
    account's `language` preference (a column the integrator adds); until then only the
    header and the default decide. Flask-Babel keeps the first answer for the request."""
    return flask_babel.get_locale().language


def _select_locale() -> str:
    return choose_language(request.headers.get("Accept-Language"), g.get("account_language"))


class CatalogueDomain(flask_babel.Domain):
    """Flask-Babel's translations come from services/messages (compiled in memory), not .mo files."""

    def get_translations(self) -> Any:
        locale = flask_babel.get_locale()
        return translator(locale.language if locale else DEFAULT_LANGUAGE)


def _say_content_language(response: Response) -> Response:
    response.headers["Content-Language"] = request_language()
    response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    babel = flask_babel.Babel(app, default_locale=DEFAULT_LANGUAGE, default_timezone=HANOI_TIME_ZONE,
                              locale_selector=_select_locale)
    babel.domain_instance = CatalogueDomain()
    app.after_request(_say_content_language)
