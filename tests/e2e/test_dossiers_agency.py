"""Agencies move dossiers through the legal states, register counter dossiers, extend due dates."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models.dossiers import Dossier, DossierEvent
from models.identity import Account
from models.notifications import Notification
from services.clock import clock
from services.identity import national_id as cccd
from tests.dossiers_support import BA_DINH, BA_DINH_DISTRICT, CRIMINAL_RECORD, freeze, inbox, key_headers, move, submit, walk

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
JUSTICE = "000.00.17.H26"


def _history(db_session, code):
    dossier = db_session.scalar(select(Dossier).where(Dossier.code == code))
    return [(e.from_status, e.to_status, e.actor_kind) for e in db_session.scalars(
        select(DossierEvent).where(DossierEvent.dossier_id == dossier.id).order_by(DossierEvent.id))]


def test_every_allowed_move_is_recorded_and_notified(client, people, db_session, catalogue):
    citizen, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH)
    key = key_headers(db_session)
    paths = {
        "approved": ["received", "processing", "supplement_requested", "processing", "approved", "returned"],
        "rejected_on_receipt": ["received", "rejected"],
        "rejected_in_processing": ["received", "processing", "rejected"],
        "withdrawn_before_receipt": ["withdrawn"],
        "withdrawn_after_receipt": ["received", "withdrawn"],
    }
    for index, states in enumerate(paths.values()):
        code = submit(client, citizen).json["code"]
        walk(client, officer.headers if index % 2 else key, code, *states)
        history = _history(db_session, code)
        assert [(f, t) for f, t, _ in history] == list(zip([None, "submitted", *states], ["submitted", *states]))
        assert {actor for _, _, actor in history[1:]} == {"officer" if index % 2 else "agency_key"}
        notices = [n for n in inbox(client, citizen) if n["reference"] == code and n["kind"] == "dossier_status"]
        assert len(notices) == len(states) + 1
    finished = client.get(f"/api/v1/dossiers/{code}", headers=officer.headers).json
    assert finished["status"] == "withdrawn" and finished["on_time"] is None


def test_a_decision_sets_finished_at_and_on_time(client, people, db_session, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    walk(client, key, code, "received", "processing", "approved")
    body = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
    assert body["finished_at"] and body["on_time"] is True and body["portal_status"] == 9
    assert body["is_overdue"] is False
    walk(client, key, code, "returned")
    assert client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json["portal_status"] == 10


def test_illegal_moves_are_409_and_change_nothing(client, people, db_session, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    before = len(inbox(client, citizen))
    jump = move(client, key, code, "approved")
    assert jump.status_code == 409 and jump.json["code"] == "invalid_transition"
    assert jump.json["current"] == "submitted" and jump.json["allowed"] == ["received", "withdrawn"]
    assert move(client, key, code, "submitted").status_code == 409
    walk(client, key, code, "received", "processing", "approved", "returned")
    for target in ("processing", "rejected", "withdrawn", "supplement_requested"):
        refused = move(client, key, code, target, note="x", missing_documents=["y"] if target == "supplement_requested" else None)
        assert refused.status_code == 409 and refused.json["allowed"] == []
    assert move(client, key, code, "lost").status_code == 422
    assert len(_history(db_session, code)) == 5
    assert len(inbox(client, citizen)) == before + 5  # four moves and the invitation to rate the decision


def test_a_refused_move_names_the_states_in_the_readers_language(client, people, db_session, catalogue):
    key = key_headers(db_session)
    code = submit(client, people.citizen()).json["code"]
    assert move(client, key, code, "approved").json["detail"] == \
        "Hồ sơ đang ở trạng thái 'Đã nộp' không thể chuyển sang 'Đã giải quyết'."
    in_english = move(client, {**key, "Accept-Language": "en"}, code, "approved")
    assert in_english.json["detail"] == "A dossier in 'Submitted' cannot move to 'Decided'."
    assert in_english.json["current"] == "submitted"  # the codes stay


def test_a_missing_reason_is_said_in_the_readers_language(client, people, db_session, catalogue):
    key = key_headers(db_session)
    code = submit(client, people.citizen()).json["code"]
    walk(client, key, code, "received", "processing")
    asked = move(client, key, code, "supplement_requested")
    assert asked.json["errors"] == {"note": ["Hãy nêu rõ lý do: công dân sẽ đọc nội dung này."],
                                    "missing_documents": ["Hãy liệt kê ít nhất một giấy tờ còn thiếu."]}
    in_english = move(client, {**key, "Accept-Language": "en"}, code, "approved", missing_documents=["x"])
    assert in_english.json["errors"] == {"missing_documents": ["Only when asking for more documents."]}


def test_rejection_needs_a_reason(client, people, db_session, catalogue):
    key = key_headers(db_session)
    code = submit(client, people.citizen()).json["code"]
    walk(client, key, code, "received")
    refused = move(client, key, code, "rejected")
    assert refused.status_code == 422 and "note" in refused.json["errors"]
    stray = move(client, key, code, "processing", missing_documents=["x"])
    assert stray.status_code == 422 and "missing_documents" in stray.json["errors"]


def without_instance(answer) -> dict:
    return {k: v for k, v in answer.json.items() if k != "instance"}


def test_only_the_dossiers_agency_moves_it(client, people, db_session, catalogue):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    missing = "000.01.01.H26-000000-0000"
    other_key = key_headers(db_session, "UBND-00166")
    other_officer = people.staff("officer", agency_code="UBND-00166")
    for headers in (other_key, other_officer.headers):
        for language in ("vi", "en"):
            asked = {**headers, "Accept-Language": language}
            # another agency's dossier answers exactly like a code that does not exist
            answer, nothing = move(client, asked, code, "received"), move(client, asked, missing, "received")
            assert answer.status_code == nothing.status_code == 404
            assert without_instance(answer) == without_instance(nothing)
            assert answer.json["code"] == "dossier_not_found"
    assert move(client, citizen.headers, code, "received").json["code"] == "forbidden_role"
    assert move(client, {"Authorization": "ApiKey ak_nope_nope"}, code, "received").status_code == 401
    assert move(client, key_headers(db_session), missing, "received").status_code == 404
    assert _history(db_session, code) == [(None, "submitted", "owner")]


def test_another_agency_reads_nothing_and_gets_the_missing_codes_answer(client, people, db_session, catalogue):
    citizen, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH)
    code = submit(client, citizen).json["code"]
    walk(client, officer.headers, code, "received")
    stranger, missing = people.staff("officer", agency_code="UBND-00166"), "000.01.01.H26-000000-0000"
    extension = {"new_due_at": (clock.now() + timedelta(days=40)).isoformat(), "apology": "Xin lỗi"}
    for path, body in (("/api/v1/agency/dossiers/{}/extensions", extension), ("/api/v1/dossiers/{}", None),
                       ("/api/v1/agency/dossiers/{}", None), ("/api/v1/dossiers/{}/documents", None),
                       ("/api/v1/dossiers/{}/result", None), ("/api/v1/dossiers/{}/payments", None)):
        ask = (lambda c: client.post(path.format(c), headers=stranger.headers, json=body)) if body else \
            (lambda c: client.get(path.format(c), headers=stranger.headers))
        theirs, nothing = ask(code), ask(missing)
        assert theirs.status_code == nothing.status_code == 404, (path, theirs.json)
        assert without_instance(theirs) == without_instance(nothing), path



def test_a_replayed_transition_moves_and_notifies_once(client, people, db_session, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    headers = {**key, "Idempotency-Key": "move-42"}
    first = move(client, headers, code, "received", note="Đủ hồ sơ")
    again = move(client, headers, code, "received", note="Đủ hồ sơ")
    assert first.status_code == again.status_code == 200 and again.json == first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    reused = move(client, headers, code, "processing")
    assert reused.status_code == 422 and reused.json["code"] == "idempotency_key_reused"
    assert _history(db_session, code) == [(None, "submitted", "owner"), ("submitted", "received", "agency_key")]
    assert len(inbox(client, citizen)) == 2


def test_registering_a_counter_dossier_for_someone_without_an_account(client, people, db_session, catalogue):
    resident, officer = people.resident(), people.staff("officer", agency_code=BA_DINH)
    answer = client.post("/api/v1/agency/dossiers", headers=officer.headers, json={
        "national_id": resident.national_id, "full_name": resident.full_name, "procedure_code": "2.000720", "channel": "counter"})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["status"] == "received" and body["channel"] == "counter" and body["received_at"]
    assert body["owner"]["national_id_masked"] == cccd.last4_mask(resident.national_id)
    assert resident.national_id not in answer.get_data(as_text=True)
    dossier = db_session.scalar(select(Dossier).where(Dossier.code == body["code"]))
    assert dossier.owner_account_id is None and dossier.district_code == resident.district_code
    # The owner signs up later: the dossier shows up and the next move reaches the inbox.
    account = _account_for(people, db_session, resident)
    mine = client.get("/api/v1/me/dossiers", headers=account.headers).json["items"]
    assert [d["code"] for d in mine] == [body["code"]]
    walk(client, officer.headers, body["code"], "processing")
    assert [n["reference"] for n in inbox(client, account)] == [body["code"]]
    db_session.expire_all()
    assert db_session.get(Dossier, dossier.id).owner_account_id == account.account.id


def _account_for(people, db_session, resident):
    rt = people.rt
    account = Account(national_id_hash=rt.id_hasher(resident.national_id), national_id=resident.national_id,
                      full_name=resident.full_name, date_of_birth=resident.date_of_birth, sex=resident.sex,
                      district_code=resident.district_code, password_hash="x", role="citizen",
                      assurance_level=1, status="active", created_at=clock.now())
    db_session.add(account)
    db_session.flush()
    return people._signed_in(resident, account)


def test_registering_for_a_citizen_with_an_account_notifies_them(client, people, db_session, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    answer = client.post("/api/v1/agency/dossiers", headers=key, json={
        "national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": "2.000720", "channel": "post"})
    assert answer.status_code == 201 and answer.json["timeline"][0]["actor"] == "agency_key"
    assert [n["reference"] for n in inbox(client, citizen)] == [answer.json["code"]]


def test_registering_rejects_bad_input(client, people, db_session, catalogue):
    officer, citizen = people.staff("officer", agency_code=BA_DINH), people.citizen()
    post = lambda **body: client.post("/api/v1/agency/dossiers", headers=officer.headers,  # noqa: E731
                                      json={"national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": "2.000720",
                                            "channel": "counter", **body})
    assert post(national_id="001999000000").json["errors"].keys() == {"national_id"}
    assert post(national_id="12").status_code == 422
    assert post(procedure_code="9.9").json["code"] == "unknown_procedure"
    assert post(channel="online").status_code == 422
    assert post(procedure_code=CRIMINAL_RECORD).json["code"] == "other_agency"
    assert post(form={"address": 1}).json["code"] == "invalid_form"
    citizen_try = client.post("/api/v1/agency/dossiers", headers=citizen.headers, json={
        "national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": "2.000720", "channel": "counter"})
    assert citizen_try.status_code == 403


def test_due_date_across_tet(client, people, db_session, catalogue, monkeypatch):
    citizen, key = people.citizen(), key_headers(db_session, JUSTICE)
    freeze(monkeypatch, datetime(2025, 1, 24, 10, 0, tzinfo=HANOI))  # the Friday before Tết Ất Tỵ
    body = client.post("/api/v1/agency/dossiers", headers=key, json={
        "national_id": citizen.national_id, "full_name": citizen.full_name, "procedure_code": CRIMINAL_RECORD, "channel": "counter"}).json
    # 10 business days: 3-7 February and 10-14 February (27/1-1/2 are Tết, then a weekend).
    assert datetime.fromisoformat(body["due_at"]) == datetime(2025, 2, 14, 17, 0, tzinfo=HANOI)
    freeze(monkeypatch, datetime(2025, 2, 17, 9, 0, tzinfo=HANOI))
    assert client.get(f"/api/v1/dossiers/{body['code']}", headers=citizen.headers).json["is_overdue"] is True


def test_waiting_on_the_citizen_moves_the_due_date(client, people, db_session, catalogue, monkeypatch):
    citizen, key = people.citizen(), key_headers(db_session, BA_DINH_DISTRICT)  # in 2024
    freeze(monkeypatch, datetime(2024, 11, 18, 9, 0, tzinfo=HANOI))  # Monday
    code = submit(client, citizen).json["code"]
    walk(client, key, code, "received", "processing")  # due Thursday 21st, 17:00
    freeze(monkeypatch, datetime(2024, 11, 19, 9, 0, tzinfo=HANOI))
    walk(client, key, code, "supplement_requested")
    freeze(monkeypatch, datetime(2024, 11, 25, 9, 0, tzinfo=HANOI))  # four business days later
    handed = client.post(f"/api/v1/dossiers/{code}/supplement", headers=citizen.headers, json={"documents": ["CCCD"]})
    assert datetime.fromisoformat(handed.json["due_at"]) == datetime(2024, 11, 27, 17, 0, tzinfo=HANOI)
    assert handed.json["original_due_at"] == handed.json["due_at"] and handed.json["is_overdue"] is False


def test_extensions_need_an_apology_and_a_later_date(client, people, db_session, catalogue, monkeypatch):
    citizen, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH_DISTRICT)  # in 2024
    freeze(monkeypatch, datetime(2024, 11, 18, 9, 0, tzinfo=HANOI))
    code = submit(client, citizen).json["code"]
    walk(client, officer.headers, code, "received", "processing")
    due = datetime.fromisoformat(client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json["due_at"])
    extend = lambda **body: client.post(f"/api/v1/agency/dossiers/{code}/extensions",  # noqa: E731
                                        headers=officer.headers, json=body)
    same = extend(new_due_at=due.isoformat(), apology="Xin lỗi")
    assert same.status_code == 422 and "new_due_at" in same.json["errors"]
    assert same.json["errors"]["new_due_at"] == [f"Phải sau hạn trả kết quả hiện tại {due.astimezone(HANOI):%H:%M %d/%m/%Y}."]
    same_in_english = client.post(f"/api/v1/agency/dossiers/{code}/extensions",
                                  headers={**officer.headers, "Accept-Language": "en"},
                                  json={"new_due_at": due.isoformat(), "apology": " "})
    assert same_in_english.json["errors"] == {
        "apology": ["The apology letter to the citizen is required."],
        "new_due_at": [f"Must be after the current due date {due.astimezone(HANOI):%-d %b %Y, %H:%M}."]}
    blank = extend(new_due_at=(due + timedelta(days=3)).isoformat(), apology="  ")
    assert blank.status_code == 422 and "apology" in blank.json["errors"]
    assert extend(new_due_at="2024-12-01T10:00:00", apology="Xin lỗi").status_code == 422  # no offset
    other = client.post(f"/api/v1/agency/dossiers/{code}/extensions", headers=key_headers(db_session, JUSTICE),
                        json={"new_due_at": (due + timedelta(days=3)).isoformat(), "apology": "Xin lỗi"})
    assert other.status_code == 404 and other.json["code"] == "dossier_not_found"  # not theirs: as if not there
    later = due + timedelta(days=7)
    granted = extend(new_due_at=later.isoformat(), apology="Thành thật xin lỗi vì hồ sơ bị chậm.")
    assert granted.status_code == 201
    assert datetime.fromisoformat(granted.json["due_at"]) == later
    assert datetime.fromisoformat(granted.json["original_due_at"]) == due
    assert granted.json["extensions"][0]["apology"] == "Thành thật xin lỗi vì hồ sơ bị chậm."
    notice = inbox(client, citizen)[0]
    assert notice["kind"] == "dossier_extension" and "Thành thật xin lỗi" in notice["body"]
    freeze(monkeypatch, due + timedelta(days=2))  # after the first due date, before the new one
    assert client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json["is_overdue"] is False
    walk(client, officer.headers, code, "approved")
    decided = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
    assert decided["on_time"] is False
    assert extend(new_due_at=(later + timedelta(days=1)).isoformat(), apology="x").status_code == 409


def test_every_move_writes_one_notification(db_session, client, people, catalogue):
    citizen, key = people.citizen(), key_headers(db_session)
    code = submit(client, citizen).json["code"]
    walk(client, key, code, "received", "processing", "approved", "returned")
    count = db_session.scalar(select(func.count()).select_from(Notification).where(
        Notification.account_id == citizen.account.id, Notification.reference == code,
        Notification.kind == "dossier_status"))
    assert count == 5
