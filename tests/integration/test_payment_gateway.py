"""The HTTP gateway adapter against the development gateway, callbacks received over real HTTP."""
from __future__ import annotations

import json
import queue
import socket
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from devservers.payment_gateway import DevPaymentGateway
from services.errors import BadCallbackSignature, BadRequest, Unavailable, ValidationFailed
from services.payments.gateway import (SIGNATURE_HEADER, Callback, HttpPaymentGateway, SettledStatus,
                                       parse_callback, sign)
from services.payments.reconciliation import Gap, Recorded, reconcile
from services.payments.settlement import PaymentStatus, settle

SECRET = "shared-secret-for-tests"
API_KEY = "city-api-key"


class Receiver:
    """Stands in for POST /api/v1/payments/callbacks/{gateway}: keeps each raw body and signature."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[bytes, str | None]] = queue.Queue()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/api/v1/payments/callbacks/dev"

    def app(self, environ, start_response):
        request = Request(environ)
        self.received.put((request.get_data(), request.headers.get(SIGNATURE_HEADER)))
        return Response("", 204)(environ, start_response)

    def next(self) -> tuple[bytes, str | None]:
        return self.received.get(timeout=5)


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def dev_gateway(receiver):
    with DevPaymentGateway(secret=SECRET, callback_url=receiver.url, api_key=API_KEY) as gateway:
        yield gateway


@pytest.fixture
def gateway(dev_gateway):
    return HttpPaymentGateway("dev", dev_gateway.base_url, secret=SECRET, api_key=API_KEY, timeout=5)


def _create(gateway, amount=1_250_000):
    return gateway.create_payment(reference="IHN0001", amount_vnd=amount, description="Lệ phí cấp bản sao")


def test_a_payment_is_created_with_a_page_to_pay_on_and_an_expiry(gateway):
    before = datetime.now(timezone.utc)
    created = _create(gateway)
    assert created.gateway_ref.startswith("DEV")
    assert timedelta(minutes=14) < created.expires_at - before <= timedelta(minutes=16)
    page = requests.get(created.pay_url, timeout=5)
    assert page.status_code == 200 and "1250000" in page.text and "Lệ phí cấp bản sao" in page.text


def test_paid_sends_one_signed_callback_that_verifies(gateway, dev_gateway, receiver):
    created = _create(gateway)
    delivery = dev_gateway.pay(created.gateway_ref)
    body, signature = receiver.next()
    assert delivery.status_code == 204 and body == delivery.body
    callback = gateway.verify_callback(body, signature)
    assert (callback.gateway_ref, callback.amount_vnd, callback.status) == (created.gateway_ref, 1_250_000, "paid")
    assert callback.paid_at is not None and callback.paid_at.tzinfo is not None
    assert receiver.received.empty()


@pytest.mark.parametrize("action, status", [("fail", SettledStatus.FAILED), ("expire", SettledStatus.EXPIRED)])
def test_failed_and_expired_are_called_back_without_a_payment_time(gateway, dev_gateway, receiver, action, status):
    created = _create(gateway)
    getattr(dev_gateway, action)(created.gateway_ref)
    callback = gateway.verify_callback(*receiver.next())
    assert (callback.status, callback.paid_at, callback.amount_vnd) == (status, None, 1_250_000)


def test_a_callback_sent_twice_arrives_twice_the_same(gateway, dev_gateway, receiver):
    created = _create(gateway)
    dev_gateway.pay(created.gateway_ref)
    dev_gateway.send_callback(created.gateway_ref)
    first, second = receiver.next(), receiver.next()
    assert first == second
    assert gateway.verify_callback(*first) == gateway.verify_callback(*second)


def test_a_forged_or_missing_or_replayed_onto_another_body_signature_is_refused(gateway, dev_gateway, receiver):
    created = _create(gateway)
    dev_gateway.pay(created.gateway_ref)
    body, signature = receiver.next()
    dev_gateway.send_callback(created.gateway_ref, forge=True)
    forged_body, forged = receiver.next()
    assert forged_body == body and forged != signature
    tampered = body.replace(b"1250000", b"9250000")
    for sent_body, sent_signature in ((forged_body, forged), (body, None), (body, ""), (tampered, signature),
                                      (body, "é" * 64), (body, signature[:-1])):
        with pytest.raises(BadCallbackSignature) as caught:
            gateway.verify_callback(sent_body, sent_signature)
        assert caught.value.code == "bad_callback_signature"
    assert gateway.verify_callback(body, signature.upper()).status == "paid"


def test_a_payment_of_another_amount_is_called_back_with_that_amount(gateway, dev_gateway, receiver):
    created = _create(gateway)
    dev_gateway.pay(created.gateway_ref, amount_vnd=1_000)
    assert gateway.verify_callback(*receiver.next()).amount_vnd == 1_000


def test_the_statement_lists_what_settled_that_day_even_without_a_callback(gateway, dev_gateway, receiver):
    paid, lost, failed, other_day = (_create(gateway, amount) for amount in (100_000, 200_000, 300_000, 400_000))
    # 23:30 in Hanoi on 30 November is 16:30 UTC; 00:30 on 1 December is 17:30 UTC the day before
    dev_gateway.pay(paid.gateway_ref, at=datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc))
    dev_gateway.pay(lost.gateway_ref, callback=False, at=datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc))
    dev_gateway.fail(failed.gateway_ref)
    dev_gateway.pay(other_day.gateway_ref, at=datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc))
    lines = {line.gateway_ref: line for line in gateway.statement(date(2026, 11, 30))}
    assert set(lines) == {paid.gateway_ref, lost.gateway_ref}
    assert (lines[lost.gateway_ref].amount_vnd, lines[lost.gateway_ref].status) == (200_000, "paid")
    assert lines[paid.gateway_ref].reference == "IHN0001"
    assert [line.gateway_ref for line in gateway.statement(date(2026, 12, 1))] == [other_day.gateway_ref]
    assert gateway.statement(date(2026, 1, 1)) == []


def test_the_drivers_answer_over_http_too(gateway, dev_gateway, receiver):
    created = _create(gateway)
    answer = requests.post(f"{dev_gateway.base_url}/payments/{created.gateway_ref}/paid",
                           json={"amount_vnd": 5}, timeout=5).json()
    assert answer == {"status": "paid", "callback_status": 204}
    assert gateway.verify_callback(*receiver.next()).amount_vnd == 5
    requests.post(f"{dev_gateway.base_url}/payments/{created.gateway_ref}/forged-callback", timeout=5)
    with pytest.raises(BadCallbackSignature):
        gateway.verify_callback(*receiver.next())
    assert requests.post(f"{dev_gateway.base_url}/payments/NOPE/paid", timeout=5).status_code == 404


def test_a_gateway_that_refuses_or_is_down_is_unavailable(dev_gateway):
    wrong_key = HttpPaymentGateway("dev", dev_gateway.base_url, secret=SECRET, api_key="wrong", timeout=5)
    with pytest.raises(Unavailable) as caught:
        _create(wrong_key)
    assert caught.value.code == "payment_gateway_unavailable"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = HttpPaymentGateway("dev", f"http://127.0.0.1:{port}", secret=SECRET, timeout=2)
    with pytest.raises(Unavailable):
        down.statement(date(2026, 11, 30))


@pytest.mark.parametrize("body", [
    b"not json",
    b"[]",
    json.dumps({"gateway_ref": "X", "amount_vnd": "1000", "status": "paid"}).encode(),
    json.dumps({"gateway_ref": "X", "amount_vnd": 1000, "status": "refunded"}).encode(),
    json.dumps({"gateway_ref": "X", "amount_vnd": 1000, "status": "paid", "paid_at": "2026-11-30T10:00:00"}).encode(),
    json.dumps({"amount_vnd": 1000, "status": "paid"}).encode(),
])
def test_a_well_signed_body_that_is_not_a_callback_is_a_bad_request(body):
    with pytest.raises(BadRequest) as caught:
        HttpPaymentGateway("dev", "http://127.0.0.1:9", secret=SECRET).verify_callback(body, sign(body, SECRET))
    assert caught.value.code == "malformed_callback"


def test_a_callback_body_parses_to_its_fields():
    body = b'{"gateway_ref": "G1", "amount_vnd": 0, "status": "paid", "paid_at": "2026-11-30T10:00:00+07:00", "x": 1}'
    assert parse_callback(body) == Callback("G1", 0, SettledStatus.PAID,
                                            datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc))


def test_reconciling_the_dev_statement_finds_the_lost_callback_and_the_wrong_amount(gateway, dev_gateway, receiver):
    day = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
    fine, lost, short = (_create(gateway, 100_000) for _ in range(3))
    recorded = {p.gateway_ref: Recorded(p.gateway_ref, 100_000, PaymentStatus.PENDING) for p in (fine, lost, short)}
    dev_gateway.pay(fine.gateway_ref, at=day)
    dev_gateway.pay(lost.gateway_ref, at=day, callback=False)
    dev_gateway.pay(short.gateway_ref, at=day, amount_vnd=10_000)
    for _ in range(2):
        callback = gateway.verify_callback(*receiver.next())
        try:
            settle(PaymentStatus.PENDING, 100_000, callback)
            recorded[callback.gateway_ref] = Recorded(callback.gateway_ref, 100_000, PaymentStatus.PAID)
        except ValidationFailed:
            pass
    gaps = {d.gateway_ref: d.gap for d in reconcile(gateway.statement(day.date()), recorded.values())}
    assert gaps == {lost.gateway_ref: Gap.NOT_RECORDED_AS_PAID, short.gateway_ref: Gap.NOT_RECORDED_AS_PAID}
