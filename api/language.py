"""Which language a response speaks: Accept-Language, then the account's preference, then Vietnamese.

`init_app(app)` (the integrator calls it from the app factory) wires Flask-Babel to the
message catalogue of services/messages, so `flask_babel.gettext` and `_()` in Jinja templates
(the dashboard) read the same `.po` files as the services, and every response says
`Content-Language` (with `Vary: Accept-Language`, since the body depends on that header).

Services never ask Flask: the route layer reads `request_language()` once, after
authentication, and hands the plain value ("vi" or "en") to the service in its Context.
The account's preference is read from the database only when the header names no language
we speak (tests and the small app of the language test set `g.account_language` instead).
"""
from __future__ import annotations

import sys
from typing import Any

import flask_babel
import marshmallow as ma
from flask import Flask, Response, g, request
from sqlalchemy.exc import DisconnectionError, OperationalError, PendingRollbackError
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from api import database
from services.identity import preferences
from services.messages import DEFAULT_LANGUAGE, LANGUAGES, LazyText, translate, translator

HANOI_TIME_ZONE = "Asia/Ho_Chi_Minh"


def header_language(accept_language: str | None) -> str | None:
    """The first language of the header we speak (by primary subtag: "en-US" is "en"), if any.
    A bare "*" states no preference."""
    for tag, quality in parse_accept_header(accept_language, LanguageAccept):
        if quality <= 0:
            continue
        if tag == "*":
            break
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return None


def choose_language(accept_language: str | None, account_preference: str | None) -> str:
    """The header's language, else the account's preference, else Vietnamese."""
    chosen = header_language(accept_language)
    if chosen is not None:
        return chosen
    return account_preference if account_preference in LANGUAGES else DEFAULT_LANGUAGE


def request_language() -> str:
    """The language of the current request. Flask-Babel keeps the first answer for the request."""
    return flask_babel.get_locale().language


def _account_preference() -> str | None:
    """The signed-in account's `language` (read only when the header does not decide)."""
    if "account_language" not in g:
        g.account_language = _stored_preference()
    return g.account_language


def _stored_preference() -> str | None:
    principal = g.get("principal")
    if principal is None or principal.account_id is None:
        return None
    answering_an_error = sys.exc_info()[1] is not None  # read before the try: inside `except` it is ours
    try:
        return preferences.language_of(database.db(), principal.account_id)
    except (OperationalError, DisconnectionError, PendingRollbackError):
        # The database is away. The answer to that (a 503, or the request answered again on a
        # new connection) is written in Vietnamese without asking it again. Swallowed only
        # while an error is being answered: otherwise the route would go on with a session
        # whose transaction is gone and fail with a 500 at its first query.
        g.account_language = None
        if not answering_an_error:
            raise
        return None


def _select_locale() -> str:
    header = request.headers.get("Accept-Language")
    return header_language(header) or choose_language(None, _account_preference())


def account_language_changed(language: str) -> None:
    """The account now prefers `language`: the rest of this request (its body and its
    Content-Language) speaks it too, unless Accept-Language names another."""
    g.account_language = str(language)
    flask_babel.refresh()


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


def text_of(text: str | LazyText) -> str:
    """A catalogue text (a domain error's detail) in the request's language; a plain text as it is."""
    return translate(request_language(), text) if isinstance(text, LazyText) else text


class CatalogueText(ma.fields.String):
    """A response field holding a catalogue text (a LazyText): written in the request's language."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return super()._serialize(text_of(value) if value is not None else None, attr, obj, **kwargs)
