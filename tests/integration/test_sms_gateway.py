"""The HTTP SMS gateway adapter against a local gateway over real HTTP."""
import logging
import time

import pytest

from api.problems import status_of
from devservers.sms_gateway import SmsGateway
from services.errors import SmsUnavailable
from services.identity.sms_gateway import HttpSmsSender, SmsGatewaySettings

PHONE = "+84912345678"
TEXT = "iHanoi: your code is 482913. It expires in 5 minutes."


@pytest.fixture
def gateway():
    gateway = SmsGateway(username="ihanoi", password="s3cret").start()
    yield gateway
    gateway.stop()


def sender_for(gateway, **overrides):
    settings = dict(url=gateway.url, sender="iHanoi", username="ihanoi", password="s3cret", timeout_seconds=2.0)
    settings.update(overrides)
    return HttpSmsSender(SmsGatewaySettings(**settings))


def test_a_message_reaches_the_gateway(gateway):
    sender_for(gateway).send(PHONE, TEXT)
    assert [(sms.to, sms.sender, sms.text) for sms in gateway.received] == [(PHONE, "iHanoi", TEXT)]
    assert gateway.texts_to(PHONE) == [TEXT]


def test_a_bearer_token_gateway():
    gateway = SmsGateway(username=None, password=None, token="tok-123").start()
    try:
        sender_for(gateway, username=None, password=None, token="tok-123").send(PHONE, TEXT)
        with pytest.raises(SmsUnavailable):
            sender_for(gateway, username=None, password=None, token="tok-999").send(PHONE, TEXT)
    finally:
        gateway.stop()
    assert gateway.texts_to(PHONE) == [TEXT]


def test_settings_need_exactly_one_kind_of_credentials(gateway):
    with pytest.raises(ValueError):
        sender_for(gateway, username=None, password=None)
    with pytest.raises(ValueError):
        sender_for(gateway, token="tok")


def test_bad_credentials_are_sms_unavailable(gateway):
    with pytest.raises(SmsUnavailable) as failed:
        sender_for(gateway, password="wrong").send(PHONE, TEXT)
    assert failed.value.code == "sms_unavailable" and status_of(failed.value) == 502
    assert gateway.received == [] and gateway.attempts == 1


def test_a_gateway_500_is_sms_unavailable_and_not_retried(gateway):
    gateway.fail_with(500)
    with pytest.raises(SmsUnavailable):
        sender_for(gateway).send(PHONE, TEXT)
    time.sleep(0.3)
    assert gateway.attempts == 1 and gateway.received == []


def test_a_gateway_timeout_is_sms_unavailable_and_not_retried(gateway):
    gateway.answer_after(1.5)
    started = time.monotonic()
    with pytest.raises(SmsUnavailable):
        sender_for(gateway, timeout_seconds=0.3).send(PHONE, TEXT)
    assert time.monotonic() - started < 1.2
    time.sleep(0.3)
    assert gateway.attempts == 1


def test_a_gateway_that_is_down_is_sms_unavailable(gateway):
    sender = sender_for(gateway)
    gateway.stop()
    with pytest.raises(SmsUnavailable):
        sender.send(PHONE, TEXT)


def test_no_log_line_carries_the_message_text(gateway, caplog):
    caplog.set_level(logging.DEBUG)
    sender = sender_for(gateway, timeout_seconds=0.3)
    sender.send(PHONE, TEXT)
    for failure in (lambda: gateway.fail_with(500), lambda: gateway.answer_after(1.0)):
        failure()
        with pytest.raises(SmsUnavailable):
            sender.send(PHONE, TEXT)
    with pytest.raises(SmsUnavailable):
        sender_for(gateway, password="wrong").send(PHONE, TEXT)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sms to +84******678 sent" in logged  # the log is captured...
    assert "482913" not in logged and TEXT not in logged  # ...and holds no text
    assert PHONE not in logged
