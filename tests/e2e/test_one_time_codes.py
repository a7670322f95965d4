"""One-time codes that never leak and cannot be farmed (issue 13, point 6)."""
import logging

import pytest

from devservers.sms_gateway import SmsGateway
from services.settings import ConfigError, Settings
from tests.conftest import join_outer_transaction
from tests.e2e.test_registration import register_body
from tests.signatures_support import issued_certificate
from tests.support import PeopleFactory


def _register(client, person, phone):
    return client.post("/api/v1/auth/register", json=register_body(person, phone=phone))


def test_at_most_5_sign_up_codes_an_hour_per_phone(app, client, people):
    sent_before = len(app.extensions["runtime"].sms.sent)
    person = people.resident(phone="+84987000111")
    assert [_register(client, person, "0987000111").status_code for _ in range(5)] == [202] * 5
    refused = _register(client, person, "0987000111")
    assert refused.status_code == 429 and refused.json["code"] == "too_many_codes"
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    assert len(app.extensions["runtime"].sms.sent) == sent_before + 5


def test_the_phone_budget_holds_across_id_numbers(client, people):
    shared = "+84987000222"
    first, second = people.resident(phone=shared), people.resident(full_name="Trần Văn Nam", phone=shared)
    assert [_register(client, first, shared).status_code for _ in range(3)] == [202] * 3
    assert [_register(client, second, shared).status_code for _ in range(3)] == [202, 202, 429]


def test_at_most_10_signing_codes_an_hour_per_account(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    answers = [client.post("/api/v1/signatures/challenges", headers=citizen.headers) for _ in range(11)]
    assert [a.status_code for a in answers] == [202] * 10 + [429]
    assert answers[-1].json["code"] == "too_many_codes" and int(answers[-1].headers["Retry-After"]) > 0


def test_at_most_5_tries_a_code(client, people):
    started = _register(client, people.resident(phone="+84987000333"), "+84987000333").json
    wrong = "000000" if started["debug_otp"] != "000000" else "111111"
    tries = [client.post("/api/v1/auth/register/verify", json={
        "verification_id": started["verification_id"], "otp": wrong}) for _ in range(5)]
    assert [t.status_code for t in tries] == [400, 400, 400, 400, 429]
    right = client.post("/api/v1/auth/register/verify", json={
        "verification_id": started["verification_id"], "otp": started["debug_otp"]})
    assert right.status_code == 429 and right.json["code"] == "otp_attempts_exhausted"


def test_production_refuses_the_log_sms_sender(make_app, tmp_path):
    with pytest.raises(ConfigError, match="SMS_SENDER=http"):
        make_app(APP_ENV="production")
    with pytest.raises(ConfigError, match="needs SMS_GATEWAY_URL"):
        Settings.load({"SMS_SENDER": "http"}, instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match="one of the two"):
        Settings.load({"SMS_SENDER": "http", "SMS_GATEWAY_URL": "http://127.0.0.1:9/send"},
                      instance_path=str(tmp_path))


@pytest.fixture
def gateway():
    gateway = SmsGateway(username="ihanoi", password="s3cret").start()
    yield gateway
    gateway.stop()


@pytest.fixture
def gateway_app(make_app, gateway):
    built = make_app(SMS_SENDER="http", SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_USERNAME="ihanoi",
                     SMS_GATEWAY_PASSWORD="s3cret", SMS_GATEWAY_TIMEOUT_SECONDS=2, LOG_LEVEL="DEBUG")
    yield from join_outer_transaction(built)


def _resident(app, **kw):
    with app.extensions["runtime"].sessions() as session:
        person = PeopleFactory(app, session).resident(**kw)
        session.commit()
    return person


def test_the_code_reaches_the_sms_gateway_and_no_log_line_carries_the_text(gateway_app, gateway, caplog):
    person = _resident(gateway_app, phone="+84987000444")
    with caplog.at_level(logging.DEBUG):
        started = gateway_app.test_client().post("/api/v1/auth/register", json=register_body(person, phone="+84987000444"))
    assert started.status_code == 202, started.json
    [text] = gateway.texts_to("+84987000444")
    assert started.json["debug_otp"] in text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert started.json["debug_otp"] not in logged and text not in logged


def test_a_failed_send_is_502_and_is_not_sent_again(gateway_app, gateway):
    person = _resident(gateway_app, phone="+84987000555")
    gateway.fail_with(500)
    answer = gateway_app.test_client().post("/api/v1/auth/register",
                                            json=register_body(person, phone="+84987000555"))
    assert answer.status_code == 502 and answer.json["code"] == "sms_unavailable"
    assert answer.mimetype == "application/problem+json" and "debug_otp" not in answer.json
    assert gateway.attempts == 1 and gateway.received == []


def test_the_development_sender_logs_the_code_but_never_the_text(app, client, people, caplog):
    person = people.resident(phone="+84987000666")
    with caplog.at_level(logging.INFO, logger="sms"):
        started = _register(client, person, "+84987000666").json
    _, text = app.extensions["runtime"].sms.sent[-1]
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "sms")
    assert started["debug_otp"] in logged and text not in logged
