"""Fees paid online through the development gateway on loopback: filing unpaid, paying by VietQR,
callbacks (paid, failed, expired, twice, forged, wrong amount), receipts, the agency asking for
a payment later, and `payments reconcile`."""
from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from devservers.loopback import LoopbackServer
from devservers.payment_gateway import CITY_TIMEZONE, DevPaymentGateway
from models.payments import Payment
from services.payments.gateway import SIGNATURE_HEADER, HttpPaymentGateway, sign
from services.payments.vietqr import crc_ok, fields
from tests.dossiers_support import BUSINESS, DATA, inbox, key_headers, move, submit, walk

SECRET = "dev-gateway-secret"
FEE = 100_000  # the business household registration's fee in data/procedures.json


@pytest.fixture
def gateway(app, monkeypatch):
    """The app served on loopback with the development gateway calling it back."""
    runtime = app.extensions["runtime"]
    with LoopbackServer(app) as served:
        callback = f"{served.base_url}/api/v1/payments/callbacks/dev"
        with DevPaymentGateway(secret=SECRET, callback_url=callback) as dev:
            monkeypatch.setattr(runtime, "settings", replace(
                runtime.settings, payment_gateway_url=dev.base_url, payment_gateway_secret=SECRET))
            monkeypatch.setattr(runtime, "payments", HttpPaymentGateway("dev", dev.base_url, secret=SECRET))
            yield dev


def pay(client, person, code: str, **headers: str):
    return client.post(f"/api/v1/dossiers/{code}/payments", headers={**person.headers, **headers})


def detail(client, person, code: str) -> dict:
    return client.get(f"/api/v1/dossiers/{code}", headers=person.headers).json


def test_a_fee_is_filed_unpaid_and_paying_submits_it(client, people, catalogue, gateway):
    citizen = people.citizen()
    filed = submit(client, citizen).json
    assert filed["status"] == "payment_requested" and filed["portal_status"] == 6
    assert filed["amount_due_vnd"] == FEE
    answer = pay(client, citizen, filed["code"])
    assert answer.status_code == 201, answer.json
    payment = answer.json
    assert payment["amount_vnd"] == FEE and payment["status"] == "pending"
    assert payment["pay_url"].startswith(gateway.base_url) and payment["expires_at"]
    qr = fields(payment["qr_payload"])
    assert crc_ok(payment["qr_payload"]) and qr["54"] == str(FEE) and qr["53"] == "704"
    ref = next(iter(gateway.ledger.payments))
    delivery = gateway.pay(ref)
    assert delivery.status_code == 200
    view = detail(client, citizen, filed["code"])
    assert view["status"] == "submitted" and view["amount_due_vnd"] is None
    assert [e["to_status"] for e in view["timeline"]] == ["payment_requested", "submitted"]
    paid = client.get(f"/api/v1/dossiers/{filed['code']}/payments", headers=citizen.headers).json["items"][0]
    assert paid["status"] == "paid" and paid["receipt_number"].startswith("BL")
    receipt = client.get(f"/api/v1/dossiers/{filed['code']}/payments/{paid['id']}/receipt",
                         headers=citizen.headers)
    assert receipt.status_code == 200 and receipt.headers["X-Receipt-Number"] == paid["receipt_number"]
    text = PdfReader(io.BytesIO(receipt.data)).pages[0].extract_text()
    assert paid["receipt_number"] in text and "100.000" in text
    kinds = [n["kind"] for n in inbox(client, citizen)]
    assert "dossier_payment" in kinds
    again = pay(client, citizen, filed["code"])
    assert again.status_code == 409 and again.json["code"] == "already_paid"


def test_the_payment_note_is_kept_in_vietnamese_and_sent_in_the_owners_language(client, people, catalogue,
                                                                                gateway):
    vietnamese, english = people.citizen(), people.citizen()
    client.patch("/api/v1/me", headers=english.headers, json={"language": "en"})
    for person in (vietnamese, english):
        code = submit(client, person).json["code"]
        pay(client, person, code)
    for ref in list(gateway.ledger.payments):
        assert gateway.pay(ref).status_code == 200
    for person, written in ((vietnamese, "Đã nộp 100.000\xa0₫, biên lai BL"), (english, "Paid ₫100,000, receipt BL")):
        status = next(n for n in inbox(client, person) if n["kind"] == "dossier_status")
        assert written in status["body"], status
        code = status["reference"]
        assert detail(client, person, code)["timeline"][-1]["note"].startswith("Đã nộp 100.000\xa0₫, biên lai BL")


def test_a_callback_sent_twice_changes_nothing_the_second_time(client, db_session, people, catalogue, gateway):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    pay(client, citizen, code)
    ref = next(iter(gateway.ledger.payments))
    assert gateway.pay(ref).status_code == 200
    first = detail(client, citizen, code)
    assert gateway.send_callback(ref).status_code == 200
    second = detail(client, citizen, code)
    assert first["timeline"] == second["timeline"] and second["status"] == "submitted"
    assert len([n for n in inbox(client, citizen) if n["kind"] == "dossier_payment"]) == 1


def test_a_forged_callback_is_401_and_records_nothing(client, people, catalogue, gateway):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    pay(client, citizen, code)
    ref = next(iter(gateway.ledger.payments))
    gateway.pay(ref, callback=False)
    forged = gateway.send_callback(ref, forge=True)
    assert forged.status_code == 401
    payments = client.get(f"/api/v1/dossiers/{code}/payments", headers=citizen.headers).json["items"]
    assert payments[0]["status"] == "pending" and detail(client, citizen, code)["status"] == "payment_requested"
    answer = client.post("/api/v1/payments/callbacks/dev", data=forged.body,
                         headers={"Content-Type": "application/json", SIGNATURE_HEADER: forged.signature})
    assert answer.status_code == 401 and answer.json["code"] == "bad_callback_signature"
    assert answer.mimetype == "application/problem+json"


def test_a_wrong_amount_is_refused_and_the_dossier_stays_unpaid(client, people, catalogue, gateway):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    pay(client, citizen, code)
    ref = next(iter(gateway.ledger.payments))
    assert gateway.pay(ref, amount_vnd=1_000).status_code == 422
    assert detail(client, citizen, code)["status"] == "payment_requested"


def test_failed_and_expired_payments_leave_the_fee_owed(client, people, catalogue, gateway):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    pay(client, citizen, code)
    first = next(iter(gateway.ledger.payments))
    assert gateway.fail(first).status_code == 200
    pay(client, citizen, code)
    second = [r for r in gateway.ledger.payments if r != first][0]
    assert gateway.expire(second).status_code == 200
    statuses = [p["status"] for p in client.get(f"/api/v1/dossiers/{code}/payments", headers=citizen.headers).json["items"]]
    assert statuses == ["failed", "expired"] and detail(client, citizen, code)["status"] == "payment_requested"
    first_page = client.get(f"/api/v1/dossiers/{code}/payments?limit=1", headers=citizen.headers).json
    assert [p["status"] for p in first_page["items"]] == ["failed"] and first_page["next_cursor"]
    rest = client.get(f"/api/v1/dossiers/{code}/payments", headers=citizen.headers,
                      query_string={"limit": 1, "cursor": first_page["next_cursor"]}).json
    assert [p["status"] for p in rest["items"]] == ["expired"] and rest["next_cursor"] is None
    assert gateway.pay(second).status_code == 200  # the money arrived late: it is still paid
    assert detail(client, citizen, code)["status"] == "submitted"


def test_the_agency_asks_for_a_payment_later(client, db_session, people, catalogue, gateway):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    pay(client, citizen, code)
    gateway.pay(next(iter(gateway.ledger.payments)))
    walk(client, key, code, "received", "processing")
    missing = move(client, key, code, "payment_requested")
    assert missing.status_code == 422 and missing.json["code"] == "amount_required"
    asked = move(client, key, code, "payment_requested", amount_vnd=50_000, note="Phí thẩm định bổ sung")
    assert asked.status_code == 200 and asked.json["amount_due_vnd"] == 50_000
    assert any("Chờ nộp phí" in n["title"] for n in inbox(client, citizen))
    assert pay(client, citizen, code).json["amount_vnd"] == 50_000
    later = [r for r, p in gateway.ledger.payments.items() if p.amount_vnd == 50_000][0]
    assert gateway.pay(later).status_code == 200
    assert detail(client, citizen, code)["status"] == "processing"


def test_the_payment_request_states_the_amount_in_the_owners_language(client, db_session, people, catalogue,
                                                                     gateway):
    """Filed with a fee, and asked for more later: the owner reads what to pay, as their language writes it."""
    key = key_headers(db_session)
    vietnamese, english = people.citizen(), people.citizen()
    client.patch("/api/v1/me", headers=english.headers, json={"language": "en"})
    for person, at_filing, later in ((vietnamese, "Số tiền cần nộp: 100.000\xa0₫", "Số tiền cần nộp: 1.250.000\xa0₫"),
                                     (english, "Amount to pay: ₫100,000", "Amount to pay: ₫1,250,000")):
        code = submit(client, person).json["code"]
        filed = next(n for n in inbox(client, person) if n["kind"] == "dossier_status")
        assert at_filing in filed["body"], filed
        pay(client, person, code)
        ref = next(r for r, p in gateway.ledger.payments.items() if p.amount_vnd == FEE and p.status == "pending")
        assert gateway.pay(ref).status_code == 200
        walk(client, key, code, "received", "processing")
        assert move(client, key, code, "payment_requested", amount_vnd=1_250_000).status_code == 200
        asked = inbox(client, person)[0]
        assert asked["kind"] == "dossier_status" and later in asked["body"], asked
        assert at_filing not in asked["body"]


def test_a_paid_dossier_is_409_and_a_stranger_404(client, people, catalogue, gateway):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    pay(client, citizen, code)
    gateway.pay(next(iter(gateway.ledger.payments)))
    refused = pay(client, citizen, code)
    assert refused.status_code == 409 and refused.json["code"] == "already_paid"
    assert pay(client, people.citizen(), code).status_code == 404


def test_without_a_gateway_fees_are_paid_at_the_counter(client, people, catalogue):
    citizen = people.citizen()
    filed = submit(client, citizen).json
    assert filed["status"] == "submitted" and filed["amount_due_vnd"] is None
    refused = pay(client, citizen, filed["code"])
    assert refused.status_code == 409 and refused.json["code"] == "nothing_owed"


def test_reconcile_lists_every_difference(app, client, db_session, runner, people, catalogue, gateway):
    citizen = people.citizen()
    codes = [submit(client, citizen).json["code"] for _ in range(3)]
    for code in codes:
        pay(client, citizen, code)
    refs = list(gateway.ledger.payments)
    gateway.pay(refs[0])                     # fine
    gateway.pay(refs[1], callback=False)     # the callback was lost
    today = datetime.now(CITY_TIMEZONE).date()
    db_session.commit()
    result = runner.invoke(args=["payments", "reconcile", "--date", today.isoformat()])
    assert result.exit_code == 1, result.output
    assert f"not_recorded_as_paid {refs[1]}" in result.output
    assert refs[0] not in result.output and refs[2] not in result.output
    body = json.dumps({"gateway_ref": refs[1], "amount_vnd": FEE, "status": "paid",
                       "paid_at": datetime.now(CITY_TIMEZONE).isoformat()}).encode()
    assert client.post("/api/v1/payments/callbacks/dev", data=body, headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: sign(body, SECRET)}).status_code == 200
    db_session.commit()
    clean = runner.invoke(args=["payments", "reconcile", "--date", today.isoformat()])
    assert clean.exit_code == 0 and "không có chênh lệch" in clean.output
    assert db_session.query(Payment).count() >= 3


def _business_with_online_fee(runner, tmp_path, online_fee_vnd) -> object:
    catalogue = json.loads((Path(DATA) / "procedures.json").read_text(encoding="utf-8"))
    business = next(p for p in catalogue if p["code"] == BUSINESS)
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps([{**business, "online_fee_vnd": online_fee_vnd}], ensure_ascii=False), encoding="utf-8")
    return runner.invoke(args=["procedures", "import", str(path)])


def test_a_dossier_filed_online_pays_the_lower_online_fee(client, runner, people, catalogue, gateway, tmp_path):
    assert client.get(f"/api/v1/procedures/{BUSINESS}").json["online_fee_vnd"] is None  # older files: none
    imported = _business_with_online_fee(runner, tmp_path, 80_000)
    assert imported.exit_code == 0, imported.output
    shown = client.get(f"/api/v1/procedures/{BUSINESS}").json
    assert shown["fee"] == FEE and shown["online_fee_vnd"] == 80_000
    citizen = people.citizen()
    filed = submit(client, citizen).json
    assert filed["status"] == "payment_requested" and filed["amount_due_vnd"] == 80_000
    payment = pay(client, citizen, filed["code"]).json
    assert payment["amount_vnd"] == 80_000 and fields(payment["qr_payload"])["54"] == "80000"


def test_a_free_online_filing_owes_nothing_and_a_higher_online_fee_is_refused(
        client, runner, people, catalogue, gateway, tmp_path):
    too_high = _business_with_online_fee(runner, tmp_path, FEE + 1)
    assert too_high.exit_code == 1 and "online_fee_vnd" in too_high.output
    assert _business_with_online_fee(runner, tmp_path, 0).exit_code == 0
    filed = submit(client, people.citizen()).json
    assert filed["status"] == "submitted" and filed["amount_due_vnd"] is None
