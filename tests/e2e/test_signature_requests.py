"""Requesting a free signature: catalogues, booking rules, the counter's queue, approval."""
import uuid

from sqlalchemy import func, select

from models.identity import Account
from models.notifications import Notification
from models.signatures import Certificate, SignatureRequest
from services.signatures.authority import CertificateAuthorityError
from tests.support import bearer
from tests.signatures_support import (COUNTER, COUNTER_AGENCY, OTHER_COUNTER, OTHER_COUNTER_AGENCY, business_day,
                                      counter_officer, issued_certificate, submit, weekend_day)


def test_catalogues_are_public(client, catalogues):
    providers = client.get("/api/v1/signature-providers").json["items"]
    assert "VNPT-CA" in {p["code"] for p in providers}
    counters = client.get(f"/api/v1/service-counters?agency_code={COUNTER_AGENCY}").json["items"]
    assert [c["code"] for c in counters] == [COUNTER]
    assert counters[0]["name"] == "Bộ phận Một cửa Trung tâm Phục vụ hành chính công phường Ba Đình"


def test_submit_records_history_and_notifies(client, people, catalogues, db_session):
    citizen = people.citizen()
    created = submit(client, citizen)
    assert created.status_code == 201
    assert created.json["status"] == "submitted"
    mine = client.get("/api/v1/me/signature-requests", headers=citizen.headers).json["items"]
    assert [r["id"] for r in mine] == [created.json["id"]]
    assert [(h["from"], h["to"], h["actor_role"]) for h in mine[0]["history"]] == [(None, "submitted", "owner")]
    assert mine[0]["allowed_moves"] == ["approved", "rejected", "cancelled"]
    inbox = client.get("/api/v1/me/notifications", headers=citizen.headers).json["items"]
    assert inbox[0]["kind"] == "signature_request_submitted"


def test_idempotency_key_replays_the_first_answer(client, people, catalogues):
    citizen = people.citizen()
    headers = {**citizen.headers, "Idempotency-Key": "req-1"}
    body = {"provider_code": "VNPT-CA", "counter_code": COUNTER, "appointment_date": business_day().isoformat()}
    first = client.post("/api/v1/signature-requests", json=body, headers=headers)
    again = client.post("/api/v1/signature-requests", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/signature-requests", json={**body, "provider_code": "FPT-CA"}, headers=headers)
    assert other.status_code == 422


def test_one_open_request_per_citizen(client, people, catalogues):
    citizen = people.citizen()
    first = submit(client, citizen)
    second = submit(client, citizen, provider_code="BKAV-CA")
    assert second.status_code == 409
    assert second.json["code"] == "open_request_exists" and second.json["existing_id"] == first.json["id"]


def test_bad_bookings_are_422_on_the_field(client, people, catalogues):
    citizen = people.citizen()
    unknown_provider = submit(client, citizen, provider_code="NOPE-CA")
    assert unknown_provider.status_code == 422 and "provider_code" in unknown_provider.json["errors"]
    unknown_counter = submit(client, citizen, counter_code="MC-NOWHERE")
    assert unknown_counter.status_code == 422 and "counter_code" in unknown_counter.json["errors"]
    no_visit = {"provider_code": "VNPT-CA"}
    in_vietnamese = client.post("/api/v1/signature-requests", json=no_visit, headers=citizen.headers)
    assert in_vietnamese.status_code == 422 and in_vietnamese.json["code"] == "visit_required"
    assert in_vietnamese.json["errors"]["counter_code"] == ["Bắt buộc khi làm thủ tục tại quầy."]
    in_english = client.post("/api/v1/signature-requests", json=no_visit,
                             headers={**citizen.headers, "Accept-Language": "en"})
    assert in_english.json["errors"]["appointment_date"] == ["Required for the counter channel."]
    for day, code in ((weekend_day(), "appointment_not_business_day"),
                      (business_day(-10), "appointment_in_past"),
                      (business_day(45), "appointment_too_far")):
        answer = submit(client, citizen, appointment_date=day.isoformat())
        assert answer.status_code == 422 and answer.json["code"] == code, day
        assert "appointment_date" in answer.json["errors"]


def test_officer_sees_only_their_counter_filtered(client, people, catalogues):
    here, there = people.citizen(), people.citizen()
    mine = submit(client, here).json["id"]
    submit(client, there, counter_code=OTHER_COUNTER)
    officer = counter_officer(people)
    queue = client.get("/api/v1/officer/signature-requests", headers=officer.headers).json["items"]
    assert [r["id"] for r in queue] == [mine]
    assert queue[0]["applicant_id_masked"] == "********" + here.national_id[-4:]
    assert queue[0]["applicant_date_of_birth"] == here.date_of_birth.isoformat()  # ISO, not an HTTP date
    none = client.get("/api/v1/officer/signature-requests?status=issued", headers=officer.headers).json
    assert none["items"] == []
    day = business_day().isoformat()
    by_day = client.get(f"/api/v1/officer/signature-requests?status=submitted&date={day}", headers=officer.headers)
    assert [r["id"] for r in by_day.json["items"]] == [mine]
    other_day = client.get("/api/v1/officer/signature-requests?date=2020-01-01", headers=officer.headers)
    assert other_day.json["items"] == []
    assert client.get("/api/v1/officer/signature-requests", headers=here.headers).status_code == 403


def test_approval_raises_level_and_issues_in_one_go(client, people, catalogues, db_session):
    citizen, officer, serial = issued_certificate(client, people, people.citizen(assurance_level=1))
    request = client.get("/api/v1/me/signature-requests", headers=citizen.headers).json["items"][0]
    assert request["status"] == "issued" and request["certificate_serial"] == serial
    assert [(h["from"], h["to"], h["actor_role"]) for h in request["history"]] == [
        (None, "submitted", "owner"), ("submitted", "approved", "officer"), ("approved", "issued", "authority")]
    assert request["history"][1]["actor_id"] == str(officer.account.id)
    db_session.expire_all()
    assert db_session.get(Account, citizen.account.id).assurance_level == 2
    kinds = [n["kind"] for n in client.get("/api/v1/me/notifications", headers=citizen.headers).json["items"]]
    assert {"signature_request_approved", "signature_request_issued"} <= set(kinds)
    # The raised level reaches the app at its next token refresh; certificates need level 2.
    assert client.get("/api/v1/me/certificates", headers=citizen.headers).status_code == 403
    pair = client.post("/api/v1/auth/refresh", json={"refresh_token": citizen.refresh_token}).json
    certs = client.get("/api/v1/me/certificates", headers=bearer(pair["access_token"])).json["items"]
    assert [(c["serial"], c["status"]) for c in certs] == [(serial, "valid")]
    again = client.post(f"/api/v1/signature-requests/{request['id']}/approve", json={}, headers=officer.headers)
    assert again.status_code == 409 and again.json["code"] == "invalid_transition"
    assert again.json["current"] == "issued" and again.json["allowed"] == []
    cancel = client.post(f"/api/v1/signature-requests/{request['id']}/cancel", headers=citizen.headers)
    assert cancel.status_code == 409 and cancel.json["current"] == "issued"
    second = submit(client, citizen)
    assert second.status_code == 409 and second.json["code"] == "certificate_exists"
    assert second.json["existing_id"] == serial


def test_another_counters_officer_cannot_approve_or_read(client, people, catalogues):
    citizen = people.citizen()
    request_id = submit(client, citizen).json["id"]
    elsewhere = counter_officer(people, OTHER_COUNTER_AGENCY)
    for language in ("vi", "en"):
        headers = {**elsewhere.headers, "Accept-Language": language}
        for path, call in (("/approve", client.post), ("/reject", client.post), ("", client.get)):
            body = {"reason": "Ảnh không khớp"} if path == "/reject" else ({} if path else None)
            theirs = call(f"/api/v1/signature-requests/{request_id}{path}", json=body, headers=headers)
            missing = call(f"/api/v1/signature-requests/{uuid.uuid4()}{path}", json=body, headers=headers)
            assert theirs.status_code == missing.status_code == 404, (path, theirs.json)
            assert theirs.json == missing.json and theirs.json["code"] == "not_found"  # as if not there
    assert client.get("/api/v1/me/signature-requests", headers=citizen.headers).json["items"][0]["status"] == "submitted"
    stranger = people.citizen()
    assert client.get(f"/api/v1/signature-requests/{request_id}", headers=stranger.headers).status_code == 404
    own = counter_officer(people)
    assert client.get(f"/api/v1/signature-requests/{request_id}", headers=own.headers).status_code == 200


def test_counter_code_as_the_officers_agency_code(client, people, catalogues):
    request_id = submit(client, people.citizen()).json["id"]
    desk = people.staff("officer", agency_code=COUNTER)
    queue = client.get("/api/v1/officer/signature-requests", headers=desk.headers).json["items"]
    assert [r["id"] for r in queue] == [request_id]


def test_reject_needs_a_reason_the_citizen_reads(client, people, catalogues):
    citizen, officer = people.citizen(), counter_officer(people)
    request_id = submit(client, citizen).json["id"]
    url = f"/api/v1/signature-requests/{request_id}/reject"
    assert client.post(url, json={}, headers=officer.headers).status_code == 422
    rejected = client.post(url, json={"reason": "Ảnh CCCD không khớp"}, headers=officer.headers)
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    seen = client.get(f"/api/v1/signature-requests/{request_id}", headers=citizen.headers).json
    assert seen["reject_reason"] == "Ảnh CCCD không khớp" and seen["history"][-1]["note"] == "Ảnh CCCD không khớp"
    inbox = client.get("/api/v1/me/notifications", headers=citizen.headers).json["items"]
    assert "Ảnh CCCD không khớp" in inbox[0]["body"]
    assert submit(client, citizen).status_code == 201  # a rejected request is not open


def test_cancel_before_approval_only_by_the_owner(client, people, catalogues):
    citizen = people.citizen()
    request_id = submit(client, citizen).json["id"]
    assert client.post(f"/api/v1/signature-requests/{request_id}/cancel",
                       headers=people.citizen().headers).status_code == 404
    cancelled = client.post(f"/api/v1/signature-requests/{request_id}/cancel", headers=citizen.headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    twice = client.post(f"/api/v1/signature-requests/{request_id}/cancel", headers=citizen.headers)
    assert twice.status_code == 409 and twice.json == {**twice.json, "current": "cancelled", "allowed": []}
    officer = counter_officer(people)
    late = client.post(f"/api/v1/signature-requests/{request_id}/approve", json={}, headers=officer.headers)
    assert late.status_code == 409


class FailingAuthority:
    def __init__(self, real):
        self.real = real

    def issue(self, *args, **kwargs):
        raise CertificateAuthorityError("partner CA timed out")

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_failed_issuance_leaves_nothing_half_done(client, app, people, catalogues, db_session, monkeypatch):
    parts = app.extensions["runtime"]
    monkeypatch.setattr(parts, "authority", FailingAuthority(parts.authority))
    citizen, officer = people.citizen(assurance_level=1), counter_officer(people)
    request_id = submit(client, citizen).json["id"]
    notes_before = db_session.scalar(select(func.count()).select_from(Notification).where(
        Notification.account_id == citizen.account.id))
    answer = client.post(f"/api/v1/signature-requests/{request_id}/approve", json={}, headers=officer.headers)
    assert answer.status_code == 503 and answer.json["code"] == "certificate_authority_unavailable"
    db_session.expire_all()
    assert db_session.scalar(select(SignatureRequest).where(
        SignatureRequest.public_id == uuid.UUID(request_id))).status == "submitted"
    assert db_session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.account_id == citizen.account.id)) == 0
    assert db_session.get(Account, citizen.account.id).assurance_level == 1
    assert db_session.scalar(select(func.count()).select_from(Notification).where(
        Notification.account_id == citizen.account.id)) == notes_before
    history = client.get(f"/api/v1/signature-requests/{request_id}", headers=citizen.headers).json["history"]
    assert [h["to"] for h in history] == ["submitted"]


def test_approve_needs_no_body(client, people, catalogues):
    citizen, officer = people.citizen(), counter_officer(people)
    request_id = submit(client, citizen).json["id"]
    answer = client.post(f"/api/v1/signature-requests/{request_id}/approve", headers=officer.headers)
    assert answer.status_code == 200 and answer.json["status"] == "issued"


def test_not_yours_and_not_there_are_the_same_404(client, people, catalogues):
    owner, stranger = people.citizen(), people.citizen()
    request_id = submit(client, owner).json["id"]
    for path in ("", "/cancel"):
        call = client.get if not path else client.post
        theirs = call(f"/api/v1/signature-requests/{request_id}{path}", headers=stranger.headers)
        missing = call(f"/api/v1/signature-requests/{uuid.uuid4()}{path}", headers=stranger.headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json == missing.json
        assert theirs.json["detail"] == "Không có yêu cầu chữ ký này."
        in_english = call(f"/api/v1/signature-requests/{request_id}{path}",
                          headers={**stranger.headers, "Accept-Language": "en"})
        assert in_english.json["detail"] == "No such signature request."
