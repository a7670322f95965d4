"""Which language a response speaks: Accept-Language, then the account's preference, then Vietnamese."""
from __future__ import annotations

import flask_babel
import pytest
from flask import Flask, g

from api import language
from api.language import choose_language
from tests.health_support import check_up, days_ago, written


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


def test_the_real_app_says_content_language_on_every_response(client):
    assert client.get("/healthz").headers["Content-Language"] == "vi"
    missing = client.get("/api/v1/no-such-route", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert (missing.headers["Content-Language"], missing.json["title"]) == ("en", "Not Found")
    assert "Accept-Language" in missing.headers["Vary"]
    vietnamese = client.get("/api/v1/no-such-route")
    assert (vietnamese.headers["Content-Language"], vietnamese.json["title"]) == ("vi", "Không tìm thấy")
    assert vietnamese.json["code"] == missing.json["code"] == "not_found"  # codes never change


def test_an_account_chooses_english_and_the_header_still_wins(client, people):
    me = people.citizen()
    assert client.get("/api/v1/me", headers=me.headers).json["language"] == "vi"
    changed = client.patch("/api/v1/me", headers=me.headers, json={"language": "en"})
    assert changed.status_code == 200 and changed.json["language"] == "en"
    profile = client.get("/api/v1/me", headers=me.headers)
    assert (profile.json["language"], profile.headers["Content-Language"]) == ("en", "en")
    refused = client.patch("/api/v1/me", headers=me.headers, json={"language": "fr"})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["language"]
    assert refused.json["detail"] == "The request has invalid fields."
    asked_in_vietnamese = client.patch("/api/v1/me", headers={**me.headers, "Accept-Language": "vi"},
                                       json={"language": "fr"})
    assert asked_in_vietnamese.json["detail"] == "Yêu cầu có trường không hợp lệ."
    assert refused.json["errors"] == {"language": ["Must be one of: vi, en."]}
    assert asked_in_vietnamese.json["errors"] == {"language": ["Phải là một trong: vi, en."]}
    assert asked_in_vietnamese.headers["Content-Language"] == "vi"


def test_changing_the_language_answers_in_the_new_one(client, people):
    """The answer to the change is the first one the account reads in its new language."""
    me = people.citizen()
    to_english = client.patch("/api/v1/me", headers=me.headers, json={"language": "en"})
    assert (to_english.status_code, to_english.json["language"]) == (200, "en")
    assert to_english.headers["Content-Language"] == "en"
    english_error = client.patch("/api/v1/me", headers=me.headers, json={"language": "fr"})
    assert english_error.json["detail"] == "The request has invalid fields."
    to_vietnamese = client.patch("/api/v1/me", headers=me.headers, json={"language": "vi"})
    assert (to_vietnamese.json["language"], to_vietnamese.headers["Content-Language"]) == ("vi", "vi")
    vietnamese_error = client.patch("/api/v1/me", headers=me.headers, json={"language": "fr"})
    assert vietnamese_error.json["detail"] == "Yêu cầu có trường không hợp lệ."
    asked_in_english = client.patch("/api/v1/me", headers={**me.headers, "Accept-Language": "en"},
                                    json={"language": "vi"})
    assert asked_in_english.headers["Content-Language"] == "en"  # the header still wins


def test_notifications_are_written_in_the_recipients_language(client, people, clinic_doctor):
    """No request asks for the notice: the recipient's preference decides, whatever the
    language of the officer's request that caused it."""
    english, vietnamese = people.citizen(), people.citizen()
    client.patch("/api/v1/me", headers=english.headers, json={"language": "en"})
    titles = {}
    for visit, person in enumerate((english, vietnamese)):
        written(client, clinic_doctor, person.national_id, check_up(f"v{visit}", days_ago(2), systolic=182))
        entry = client.get("/api/v1/me/health/observations?code=8480-6", headers=person.headers).json["items"][0]
        request = client.post("/api/v1/me/health/correction-requests", headers=person.headers, json={
            "resource_type": "observation", "resource_id": entry["id"], "reason": "128, not 182."}).json
        acknowledged = client.post(f"/api/v1/providers/correction-requests/{request['id']}/acknowledge",
                                   headers={**clinic_doctor.headers, "Accept-Language": "vi"})
        assert acknowledged.status_code == 200
        inbox = client.get("/api/v1/me/notifications", headers={**person.headers, "Accept-Language": "vi"})
        [notice] = inbox.json["items"]
        titles[person is english] = (notice["title"], notice["body"])
    assert titles[True] == ("Correction request received",
                            "The facility has received your correction request and will answer it by the deadline.")
    assert titles[False] == ("Đã nhận yêu cầu đính chính",
                             "Cơ sở y tế đã nhận yêu cầu đính chính của bạn và sẽ trả lời trong thời hạn.")


def test_a_database_away_while_reading_the_preference_is_raised_unless_an_error_is_being_answered(app, tmp_path):
    """The account's language read fails on a database that cannot be reached (here an SQLite
    file in a directory that does not exist): on an ordinary request the failure is raised, so
    the request is answered again on a new connection or gets its 503, never carried on with a
    broken session; while another error is being answered it is swallowed and the answer is in
    Vietnamese."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from models.identity import PrincipalKind
    from services.identity.principal import Principal

    away = create_engine(f"sqlite:///{tmp_path}/missing-directory/ihanoi.sqlite3")
    with app.test_request_context("/api/v1/me"):
        g.db = Session(bind=away)
        g.principal = Principal(kind=PrincipalKind.ACCOUNT, account_id=uuid.uuid4())
        with pytest.raises(OperationalError):
            language._stored_preference()
        try:
            raise RuntimeError("the error being answered")
        except RuntimeError:
            assert language._stored_preference() is None
        g.pop("db").close()
    away.dispose()
