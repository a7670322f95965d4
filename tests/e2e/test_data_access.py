"""Staff look-ups the citizen can see (issue 12, point 4): counter dossiers and level raises are
bound to the officer's own agency, a counter never learns a name, every look-up (a dossier
read included), level change and health-record write is in a log the citizen reads, and
providers get one answer for "not in the registry" and "no consent"."""
import io

from models.notifications import Notification
from services.demo.reference import seed_reference_data
from tests.conftest import TEST_DATABASE_URL
from tests.databases import migrated_database
from tests.dossiers_support import BA_DINH, key_headers, load_catalogue, walk
from tests.dossiers_support import submit as file_dossier
from tests.health_support import HOSPITAL, born_on, check_up, days_ago, written
from tests.signatures_support import counter_officer, minimal_pdf, submit
from tests.support import PeopleFactory

COUNTER_DOSSIER = "/api/v1/agency/dossiers"
RAISE = "/api/v1/officer/identity-verifications"
NO_COUNTER_AGENCY = "000.00.20.H26"  # Sở Xây dựng: a department that runs no one-stop counter
ENDED_COUNTER_AGENCY = "000.01.01.H26"  # UBND quận Ba Đình: ran counter MC-BADINH, ended 2025-06-30


def tracked(client, person):
    answer = client.get("/api/v1/me/data-access", headers=person.headers)
    assert answer.status_code == 200, answer.json
    return answer.json["items"]


def file_at_counter(client, officer, national_id, full_name):
    return client.post(COUNTER_DOSSIER, headers=officer.headers, json={
        "national_id": national_id, "full_name": full_name, "procedure_code": "2.000720", "channel": "counter"})


def test_a_counter_never_learns_a_name_or_who_is_in_the_registry(client, people, catalogue):
    officer, citizen = people.staff("officer", agency_code=BA_DINH), people.citizen()
    unknown = file_at_counter(client, officer, "001199000000", citizen.full_name)
    wrong_name = file_at_counter(client, officer, citizen.national_id, "Người Khác")
    assert unknown.status_code == wrong_name.status_code == 422
    assert unknown.json == wrong_name.json
    assert unknown.json["code"] == "resident_not_matched"
    assert citizen.full_name not in wrong_name.get_data(as_text=True)
    assert tracked(client, citizen) == []


def test_a_counter_dossier_is_in_the_citizens_data_tracker(client, people, catalogue):
    officer, citizen = people.staff("officer", agency_code=BA_DINH), people.citizen()
    filed = file_at_counter(client, officer, citizen.national_id, citizen.full_name.upper())
    assert filed.status_code == 201, filed.json
    [entry] = tracked(client, citizen)
    assert (entry["area"], entry["action"], entry["resource"]) == ("dossiers", "counter_dossier_filed",
                                                                   filed.json["code"])
    assert (entry["actor"], entry["actor_name"], entry["agency_code"]) == ("officer", "Cán bộ officer", BA_DINH)
    assert tracked(client, people.citizen()) == []  # nobody else sees it


def test_only_an_officer_of_a_one_stop_counter_raises_the_level(client, people, catalogues):
    citizen = people.citizen(assurance_level=1)
    body = {"national_id": citizen.national_id, "method": "in_person"}
    elsewhere = people.staff("officer", agency_code=NO_COUNTER_AGENCY)
    refused = client.post(RAISE, headers=elsewhere.headers, json=body)
    assert refused.status_code == 403 and refused.json["code"] == "not_identity_counter"
    assert refused.json["detail"] == "Chỉ cán bộ của cơ quan có bộ phận một cửa mới xác minh danh tính."
    in_english = client.post(RAISE, headers={**elsewhere.headers, "Accept-Language": "en"}, json=body)
    assert in_english.json["detail"] == "Only officers of an agency with a one-stop counter verify identities."
    assert client.get("/api/v1/me", headers=citizen.headers).json["assurance_level"] == 1
    assert tracked(client, citizen) == []
    raised = client.post(RAISE, headers=people.staff("officer", agency_code=BA_DINH).headers, json=body)
    assert raised.status_code == 200
    [entry] = tracked(client, citizen)
    assert (entry["area"], entry["action"], entry["agency_code"]) == ("identity", "level_raised", BA_DINH)


def test_a_counter_of_an_agency_that_ended_raises_no_level(client, people, catalogues):
    citizen = people.citizen(assurance_level=1)
    ended = people.staff("officer", agency_code=ENDED_COUNTER_AGENCY)
    refused = client.post(RAISE, headers=ended.headers, json={"national_id": citizen.national_id, "method": "in_person"})
    assert refused.status_code == 403 and refused.json["code"] == "agency_ended"
    assert BA_DINH in [s["code"] for s in refused.json["successors"]]
    assert client.get("/api/v1/me", headers=citizen.headers).json["assurance_level"] == 1
    assert tracked(client, citizen) == []


def test_any_open_counter_in_the_city_raises_the_level_not_only_the_citizens_own(client, people, catalogues):
    citizen = people.citizen(assurance_level=1, district_code="001")  # lives in Ba Đình
    cau_giay = people.staff("officer", agency_code="UBND-00166")  # counter MC-P-CAUGIAY
    raised = client.post(RAISE, headers=cau_giay.headers, json={"national_id": citizen.national_id, "method": "in_person"})
    assert raised.status_code == 200 and raised.json["assurance_level"] == 2


def test_an_officers_look_up_and_approval_of_a_signature_request_are_tracked(client, people, catalogues):
    citizen, officer = people.citizen(), counter_officer(people)
    request_id = submit(client, citizen).json["id"]
    assert client.get(f"/api/v1/signature-requests/{request_id}", headers=citizen.headers).status_code == 200
    assert tracked(client, citizen) == []  # the owner's own reads are not tracked
    assert client.get(f"/api/v1/signature-requests/{request_id}", headers=officer.headers).status_code == 200
    approved = client.post(f"/api/v1/signature-requests/{request_id}/approve", json={}, headers=officer.headers)
    assert approved.status_code == 200
    assert [(e["area"], e["action"]) for e in tracked(client, citizen)] == [
        ("identity", "level_raised"), ("signatures", "request_approved"), ("signatures", "request_viewed")]


def upload_document(client, owner, code):
    answer = client.post(f"/api/v1/dossiers/{code}/documents", headers=owner.headers, content_type="multipart/form-data",
                         data={"component_code": "HD-THUE", "file": (io.BytesIO(minimal_pdf("Hop dong")), "hd.pdf")})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_an_officers_reads_of_one_dossier_are_in_the_owners_tracker(client, people, db_session, catalogue):
    owner, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH)
    code = file_dossier(client, owner).json["code"]
    document = upload_document(client, owner, code)
    walk(client, key_headers(db_session), code, "received", "processing")
    sealed = client.post(f"/api/v1/agency/dossiers/{code}/result", headers=key_headers(db_session),
                         data={"file": (io.BytesIO(minimal_pdf("Ket qua")), "kq.pdf")}, content_type="multipart/form-data")
    assert sealed.status_code == 201, sealed.json
    reads = {"dossier_viewed": f"/api/v1/dossiers/{code}", "document_downloaded": f"/api/v1/dossiers/{code}/documents/{document}",
             "result_downloaded": f"/api/v1/dossiers/{code}/result"}
    for path in reads.values():  # the owner's own reads leave nothing
        assert client.get(path, headers=owner.headers).status_code == 200, path
    assert tracked(client, owner) == []

    for path in [*reads.values(), f"/api/v1/agency/dossiers/{code}"]:
        assert client.get(path, headers=officer.headers).status_code == 200, path
    assert client.get(f"/api/v1/dossiers/{code}/documents", headers=officer.headers).status_code == 200  # a list: not tracked
    stranger = people.staff("officer", agency_code="UBND-00166")
    assert client.get(f"/api/v1/dossiers/{code}", headers=stranger.headers).status_code == 404  # refused: nothing read

    entries = tracked(client, owner)
    assert [e["action"] for e in reversed(entries)] == [*reads, "dossier_viewed"]
    assert {(e["area"], e["resource"], e["actor"], e["actor_name"], e["agency_code"]) for e in entries} == {
        ("dossiers", code, "officer", "Cán bộ officer", BA_DINH)}
    assert tracked(client, people.citizen()) == []


def test_a_staff_read_is_committed_from_a_safe_requests_session(make_app, tmp_path):
    """A GET reads without a transaction bracket on PostgreSQL (models/database.py: reading_session);
    the tracker's entry written by an officer's GET still opens one and is committed."""
    with migrated_database(TEST_DATABASE_URL, str(tmp_path), "staff_reads") as url:
        app = make_app(DATABASE_URL=url)
        runtime = app.extensions["runtime"]
        try:
            with runtime.sessions() as session:
                seed_reference_data(session)
                load_catalogue(session)
                session.commit()
                people = PeopleFactory(app, session)
                owner, officer = people.citizen(), people.staff("officer", agency_code=BA_DINH)
            client = app.test_client()
            code = file_dossier(client, owner).json["code"]
            assert client.get(f"/api/v1/dossiers/{code}", headers=officer.headers).status_code == 200
            [entry] = tracked(client, owner)
            assert (entry["action"], entry["resource"], entry["agency_code"]) == ("dossier_viewed", code, BA_DINH)
        finally:
            runtime.engine.dispose()


def test_the_data_tracker_pages(client, people, catalogue):
    officer, citizen = people.staff("officer", agency_code=BA_DINH), people.citizen()
    for _ in range(3):
        assert file_at_counter(client, officer, citizen.national_id, citizen.full_name).status_code == 201
    first = client.get("/api/v1/me/data-access?limit=2", headers=citizen.headers).json
    rest = client.get("/api/v1/me/data-access", query_string={"limit": 2, "cursor": first["next_cursor"]},
                      headers=citizen.headers).json
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert client.get("/api/v1/me/data-access", headers=officer.headers).status_code == 403


def read(client, doctor, national_id, **query):
    return client.get(f"/api/v1/providers/patients/{national_id}/summary", query_string=query,
                      headers={**doctor.headers, **born_on(client, national_id)})


def test_a_provider_gets_one_answer_for_unknown_and_unconsented_patients(client, people, hospital_doctor):
    known = people.citizen()
    unknown, refused = read(client, hospital_doctor, "001199000000"), read(client, hospital_doctor, known.national_id)
    assert unknown.status_code == refused.status_code == 403
    assert {k: v for k, v in unknown.json.items() if k != "instance"} == {
        k: v for k, v in refused.json.items() if k != "instance"}
    assert unknown.json["code"] == "consent_required"


def test_a_providers_write_is_in_the_access_log(client, people, hospital_doctor):
    me = people.citizen()
    written(client, hospital_doctor, me.national_id, check_up("w", days_ago(1)))
    [entry] = client.get("/api/v1/me/health/access-log", headers=me.headers).json["items"]
    assert (entry["action"], entry["outcome"], entry["facility_code"]) == ("write", "granted", HOSPITAL)
    assert entry["accessor_name"] == "Cán bộ health_provider"


def test_the_emergency_notice_says_whether_a_consent_was_active(client, people, hospital_doctor, db_session):
    me = people.citizen()
    reason = "bất tỉnh tại cấp cứu"
    assert read(client, hospital_doctor, me.national_id, emergency_reason=reason).status_code == 200
    assert client.put(f"/api/v1/me/health/consents/{HOSPITAL}", json={}, headers=me.headers).status_code == 200
    assert read(client, hospital_doctor, me.national_id, emergency_reason=reason).status_code == 200
    bodies = [n.body for n in db_session.query(Notification).filter_by(account_id=me.account.id,
                                                                      kind="health_emergency_access")
              .order_by(Notification.id)]
    assert len(bodies) == 2
    assert "cấp cứu" in bodies[0] and "không có sự đồng ý" in bodies[0]
    assert "đang có sự đồng ý" in bodies[1] and "không có" not in bodies[1]
