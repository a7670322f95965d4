"""A citizen files, follows, withdraws and supplements dossiers; the public lookup."""
import re

from tests.dossiers_support import BA_DINH, BA_DINH_DISTRICT, BUSINESS, BUSINESS_FORM, inbox, key_headers, move, submit, walk

CODE = re.compile(r"^UBND-00004-\d{6}-\d{4}$")  # the deciding agency (UBND phường Ba Đình), the day, a number


def test_the_catalogue_lists_searches_and_filters(client, catalogue):
    listed = client.get("/api/v1/procedures?limit=100").json
    assert len(listed["items"]) == 13 and listed["next_cursor"] is None
    birth = next(p for p in listed["items"] if p["code"] == "1.001193")
    assert birth["name"] == "Đăng ký khai sinh" and birth["online_level"] == "full"
    assert birth["processing_days"] == 1 and birth["form_schema"]["type"] == "object"
    found = client.get("/api/v1/procedures?q=dang ky khai sinh").json["items"]
    assert [p["code"] for p in found] == ["1.001193"]
    assert [p["code"] for p in client.get("/api/v1/procedures?q=Khai%20Sinh").json["items"]] == ["1.001193"]
    by_agency = client.get(f"/api/v1/procedures?agency_code={BA_DINH_DISTRICT}").json["items"]
    assert {p["code"] for p in by_agency} == {"2.000720", "1.009994"}
    first = client.get("/api/v1/procedures?limit=5").json
    second = client.get(f"/api/v1/procedures?limit=5&cursor={first['next_cursor']}").json
    assert not {p["code"] for p in first["items"]} & {p["code"] for p in second["items"]}


def test_filing_a_dossier(client, people, catalogue):
    citizen = people.citizen()
    answer = submit(client, citizen)
    assert answer.status_code == 201
    body = answer.json
    assert CODE.match(body["code"]) and body["status"] == "submitted" and body["portal_status"] == 1
    assert body["due_at"] and body["channel"] == "online" and body["form"] == BUSINESS_FORM
    assert body["owner"]["national_id_masked"] == citizen.national_id[:3] + "*******" + citizen.national_id[-2:]
    assert [e["to_status"] for e in body["timeline"]] == ["submitted"]
    assert [n["reference"] for n in inbox(client, citizen)] == [body["code"]]


def test_codes_count_per_agency_and_day_and_never_repeat(client, people, catalogue):
    first, second = (submit(client, people.citizen()).json["code"] for _ in range(2))
    assert first[:-4] == second[:-4] and int(second[-4:]) == int(first[-4:]) + 1


def test_unknown_procedure_and_bad_forms_are_422_with_paths(client, people, catalogue):
    citizen = people.citizen()
    unknown = submit(client, citizen, procedure_code="9.999999")
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_procedure"
    assert "procedure_code" in unknown.json["errors"]
    bad = submit(client, citizen, form={"address": "", "capital_vnd": -1, "lines_of_business": []})
    assert bad.status_code == 422 and bad.json["code"] == "invalid_form"
    assert bad.json["errors"] == {"form.business_name": ["Trường này là bắt buộc."],
                                  "form.address": ["Không được để trống."],
                                  "form.capital_vnd": ["Phải lớn hơn hoặc bằng 0."],
                                  "form.lines_of_business": ["Cần ít nhất một mục."]}
    in_english = submit(client, citizen, form={**BUSINESS_FORM, "capital_vnd": "many", "colour": "red"},
                        **{"Accept-Language": "en"})
    assert in_english.json["errors"] == {"form.capital_vnd": ["Not a valid integer."],
                                         "form.colour": ["Not a field of this form."]}
    assert client.get("/api/v1/me/dossiers", headers=citizen.headers).json["items"] == []


def test_only_citizens_file_online(client, people, catalogue):
    officer = people.staff("officer", agency_code=BA_DINH)
    assert submit(client, officer).json["code"] == "forbidden_role"


def test_filing_again_with_the_same_idempotency_key_files_once(client, people, catalogue):
    citizen = people.citizen()
    first = submit(client, citizen, **{"Idempotency-Key": "file-1"})
    again = submit(client, citizen, **{"Idempotency-Key": "file-1"})
    assert again.status_code == 201 and again.json["code"] == first.json["code"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = submit(client, citizen, form={**BUSINESS_FORM, "employees": 3}, **{"Idempotency-Key": "file-1"})
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"
    assert len(client.get("/api/v1/me/dossiers", headers=citizen.headers).json["items"]) == 1
    assert len(inbox(client, citizen)) == 1


def test_my_dossiers_newest_first_by_status_and_paged(client, people, db_session, catalogue):
    citizen, stranger = people.citizen(), people.citizen()
    codes = [submit(client, citizen).json["code"] for _ in range(3)]
    submit(client, stranger)
    walk(client, key_headers(db_session), codes[0], "received")
    mine = client.get("/api/v1/me/dossiers", headers=citizen.headers).json
    assert [d["code"] for d in mine["items"]] == codes[::-1]
    assert mine["items"][0]["status"] == "submitted" and "is_overdue" in mine["items"][0]
    received = client.get("/api/v1/me/dossiers?status=received", headers=citizen.headers).json
    assert [d["code"] for d in received["items"]] == [codes[0]]
    page1 = client.get("/api/v1/me/dossiers?limit=2", headers=citizen.headers).json
    page2 = client.get(f"/api/v1/me/dossiers?limit=2&cursor={page1['next_cursor']}", headers=citizen.headers).json
    assert [d["code"] for d in page1["items"] + page2["items"]] == codes[::-1] and page2["next_cursor"] is None
    assert client.get("/api/v1/me/dossiers?status=lost", headers=citizen.headers).status_code == 422


def test_detail_for_the_owner_and_the_agency_only(client, people, catalogue):
    citizen, stranger = people.citizen(), people.citizen()
    code = submit(client, citizen).json["code"]
    own = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers)
    assert own.status_code == 200 and own.json["timeline"][0]["actor"] == "owner"
    assert client.get(f"/api/v1/dossiers/{code}", headers={**citizen.headers, "If-None-Match": own.headers["ETag"]}
                      ).status_code == 304
    assert client.get(f"/api/v1/dossiers/{code}", headers=stranger.headers).status_code == 404
    officer = client.get(f"/api/v1/dossiers/{code}", headers=people.staff("officer", agency_code=BA_DINH).headers)
    assert officer.status_code == 200
    assert officer.json["owner"]["national_id_masked"] == "********" + citizen.national_id[-4:]
    elsewhere = people.staff("officer", agency_code="000.05.01.H26")
    assert client.get(f"/api/v1/dossiers/{code}", headers=elsewhere.headers).status_code == 404
    assert client.get("/api/v1/dossiers/000.01.01.H26-000000-0000", headers=citizen.headers).status_code == 404


def test_public_lookup_needs_the_last_four_digits_and_shows_nothing_personal(client, people, catalogue):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    found = client.get(f"/api/v1/public/dossiers/{code}?id_last4={citizen.national_id[-4:]}")
    assert found.status_code == 200 and found.json["status"] == "submitted" and found.json["due_at"]
    assert found.json["procedure_name"] == "Đăng ký thành lập hộ kinh doanh"
    assert not {"owner", "form", "timeline"} & set(found.json)
    assert citizen.national_id not in found.get_data(as_text=True)
    wrong_last4 = "0000" if citizen.national_id[-4:] != "0000" else "1111"
    wrong = client.get(f"/api/v1/public/dossiers/{code}?id_last4={wrong_last4}")
    unknown = client.get(f"/api/v1/public/dossiers/000.01.01.H26-000000-9999?id_last4={wrong_last4}")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json == unknown.json
    assert client.get(f"/api/v1/public/dossiers/{code}?id_last4=12a4").status_code == 422


def test_public_lookup_stops_answering_a_code_after_many_wrong_guesses(client, people, catalogue):
    citizen = people.citizen()
    code = submit(client, citizen).json["code"]
    right = citizen.national_id[-4:]
    wrong = [f"{n:04d}" for n in range(12) if f"{n:04d}" != right][:10]
    for guess in wrong:
        assert client.get(f"/api/v1/public/dossiers/{code}?id_last4={guess}").status_code == 404
    assert client.get(f"/api/v1/public/dossiers/{code}?id_last4={right}").status_code == 404


def test_withdrawing_before_processing_only(client, people, db_session, catalogue):
    citizen = people.citizen()
    agency = key_headers(db_session)
    early, received, started = (submit(client, citizen).json["code"] for _ in range(3))
    walk(client, agency, received, "received")
    walk(client, agency, started, "received", "processing")
    done = client.post(f"/api/v1/dossiers/{early}/withdraw", headers=citizen.headers, json={"reason": "Nộp nhầm"})
    assert done.status_code == 200 and done.json["status"] == "withdrawn" and done.json["portal_status"] == 7
    assert done.json["timeline"][-1]["note"] == "Nộp nhầm"
    assert client.post(f"/api/v1/dossiers/{received}/withdraw", headers=citizen.headers, json={}).status_code == 200
    late = client.post(f"/api/v1/dossiers/{started}/withdraw", headers=citizen.headers, json={})
    assert late.status_code == 409 and late.json["code"] == "invalid_transition"
    assert late.json["current"] == "processing" and late.json["allowed"] == []
    stranger = people.citizen()
    assert client.post(f"/api/v1/dossiers/{early}/withdraw", headers=stranger.headers, json={}).status_code == 404


def test_asking_for_and_handing_in_more_documents(client, people, db_session, catalogue):
    citizen = people.citizen()
    agency = key_headers(db_session)
    code = submit(client, citizen).json["code"]
    early = client.post(f"/api/v1/dossiers/{code}/supplement", headers=citizen.headers,
                        json={"documents": ["Hợp đồng thuê nhà"]})
    assert early.status_code == 409 and early.json["current"] == "submitted"
    walk(client, agency, code, "received", "processing")
    no_list = move(client, agency, code, "supplement_requested", note="Thiếu giấy tờ", missing_documents=[])
    no_note = move(client, agency, code, "supplement_requested", missing_documents=["Hợp đồng thuê nhà"])
    assert no_list.status_code == no_note.status_code == 422
    assert "missing_documents" in no_list.json["errors"] and "note" in no_note.json["errors"]
    asked = move(client, agency, code, "supplement_requested", note="Bổ sung hợp đồng",
                 missing_documents=["Hợp đồng thuê nhà có công chứng"])
    assert asked.status_code == 200 and asked.json["portal_status"] == 5
    seen = client.get(f"/api/v1/dossiers/{code}", headers=citizen.headers).json
    assert seen["supplement_request"]["note"] == "Bổ sung hợp đồng"
    assert seen["supplement_request"]["missing_documents"] == ["Hợp đồng thuê nhà có công chứng"]
    assert "Hợp đồng thuê nhà có công chứng" in inbox(client, citizen)[0]["body"]
    bad_form = client.post(f"/api/v1/dossiers/{code}/supplement", headers=citizen.headers,
                           json={"documents": ["Hợp đồng"], "form": {"address": "x"}})
    assert bad_form.status_code == 422 and "form.business_name" in bad_form.json["errors"]
    handed = client.post(f"/api/v1/dossiers/{code}/supplement", headers=citizen.headers,
                         json={"documents": ["Hợp đồng thuê nhà có công chứng"], "note": "Đã nộp bản chụp",
                               "form": {**BUSINESS_FORM, "employees": 2}})
    assert handed.status_code == 200 and handed.json["status"] == "processing"
    assert handed.json["supplement_request"] is None and handed.json["form"]["employees"] == 2
    assert handed.json["timeline"][-1]["actor"] == "owner"
    assert handed.json["timeline"][-1]["note"] == "Đã bổ sung: Hợp đồng thuê nhà có công chứng\nĐã nộp bản chụp"
    assert "Đã bổ sung: Hợp đồng thuê nhà có công chứng\nĐã nộp bản chụp" in inbox(client, citizen)[0]["body"]


def test_the_supplement_note_reaches_the_owner_in_their_language(client, people, db_session, catalogue):
    citizen, agency = people.citizen(), key_headers(db_session)
    client.patch("/api/v1/me", headers=citizen.headers, json={"language": "en"})
    code = submit(client, citizen).json["code"]
    walk(client, agency, code, "received", "processing", "supplement_requested")
    handed = client.post(f"/api/v1/dossiers/{code}/supplement", headers=citizen.headers, json={"documents": ["CCCD"]})
    assert handed.json["timeline"][-1]["note"] == "Đã bổ sung: CCCD"  # the history keeps Vietnamese
    assert "Supplied: CCCD" in inbox(client, citizen)[0]["body"]
