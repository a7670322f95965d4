"""Which language a response speaks: Accept-Language, then the account's preference, then Vietnamese."""
from __future__ import annotations

import flask_babel
import pytest
from flask import Flask, g

from api import language
from api.language import choose_language


@pytest.mark.parametrize(("header", "preference", "chosen"), [
    (None, None, "vi"),
    ("", "en", "en"),
    ("en-US,en;q=0.9", None, "en"),
    ("EN-gb", "vi", "en"),
    ("vi-VN", "en", "vi"),
    ("fr, en;q=0.5", None, "en"),
    ("en-US;q=0.5, vi;q=0.4", None, "en"),  # quality order, not the server's list order
    ("en;q=0, vi;q=0.1", "en", "vi"),        # q=0 means "not this one"
    ("fr", "en", "en"),                      # nothing we speak: the account decides
    ("*", "en", "en"),                       # a bare wildcard states no preference
    ("de", None, "vi"),
    ("de", "fr", "vi"),                      # an unknown preference is ignored
])
def test_choose_language(header, preference, chosen):
    assert choose_language(header, preference) == chosen


@pytest.fixture
def small_app() -> Flask:
    """A bare app with only the language wiring: the header, an account preference set by
    'authentication' (a query parameter here), and a text read through Flask-Babel."""
    app = Flask(__name__)
    language.init_app(app)

    @app.before_request
    def authenticate() -> None:
        from flask import request
        g.account_language = request.args.get("account_language")

    @app.get("/text")
    def text() -> dict:
        return {"language": language.request_language(),
                "days": flask_babel.ngettext("time.working_days", "time.working_days.plural", 3)}

    return app


def test_the_header_decides_and_the_response_says_so(small_app):
    response = small_app.test_client().get("/text", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert response.headers["Content-Language"] == "en"
    assert "Accept-Language" in response.headers["Vary"]
    assert response.json == {"language": "en", "days": "3 working days"}


def test_without_a_header_the_account_preference_then_vietnamese(small_app):
    client = small_app.test_client()
    preferred = client.get("/text?account_language=en")
    assert (preferred.headers["Content-Language"], preferred.json["days"]) == ("en", "3 working days")
    default = client.get("/text")
    assert (default.headers["Content-Language"], default.json["days"]) == ("vi", "3 ngày làm việc")


def test_the_real_app_says_content_language_on_every_response(make_app):
    app = make_app()
    client = app.test_client()
    assert client.get("/healthz").headers["Content-Language"] == "vi"
    missing = client.get("/api/v1/no-such-route", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.headers["Content-Language"] == "en"
