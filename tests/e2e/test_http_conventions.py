"""Every failure is problem+json; probes; the OpenAPI document and offline docs; request logs."""
import json
import logging

from openapi_spec_validator import validate

from tests.support import PASSWORD


def _is_problem(answer, status, code=None):
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert answer.json["status"] == status and answer.json["title"] and answer.json["code"]
    if code:
        assert answer.json["code"] == code


def test_unknown_route_wrong_method_and_bad_bodies(client, app):
    _is_problem(client.get("/api/v1/nowhere"), 404, "not_found")
    wrong_method = client.delete("/api/v1/auth/token")
    _is_problem(wrong_method, 405, "method_not_allowed")
    assert "POST" in wrong_method.headers["Allow"]
    _is_problem(client.post("/api/v1/auth/token", data="{not json", content_type="application/json"), 400)
    _is_problem(client.post("/api/v1/auth/token", data="national_id=1", content_type="text/plain"), 415,
                "unsupported_media_type")
    missing = client.post("/api/v1/auth/token", json={})
    _is_problem(missing, 422, "validation_failed")
    assert set(missing.json["errors"]) == {"national_id", "password"}
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        _is_problem(client.post("/api/v1/auth/token", json={"password": "x" * 4096}), 413)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    _is_problem(client.get("/api/v1/me"), 401, "unauthenticated")


def test_the_frameworks_own_refusals_speak_the_readers_language(client, app):
    """werkzeug's English descriptions (404, 405, 413) give way to the catalogue's texts."""
    english = {"Accept-Language": "en"}
    assert client.get("/api/v1/nowhere").json["detail"] == "Không tìm thấy địa chỉ này."
    assert client.get("/api/v1/nowhere", headers=english).json["detail"] == \
        "The requested URL was not found on the server."
    assert client.delete("/api/v1/auth/token").json["detail"] == "Địa chỉ này không hỗ trợ phương thức của yêu cầu."
    assert client.delete("/api/v1/auth/token", headers=english).json["detail"] == \
        "The method is not allowed for the requested URL."
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        too_large = {"password": "x" * 4096}
        assert client.post("/api/v1/auth/token", json=too_large).json["detail"] == \
            "Dữ liệu gửi lên vượt quá dung lượng cho phép."
        assert client.post("/api/v1/auth/token", json=too_large, headers=english).json["detail"] == \
            "The data value transmitted exceeds the capacity limit."
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024


def test_unexpected_errors_are_500_without_internals(client, app, monkeypatch, people):
    person = people.citizen()

    def explode(*_args, **_kwargs):
        raise RuntimeError("SELECT secret FROM accounts -- stack detail")

    monkeypatch.setattr("api.identity.account_routes.accounts.profile", explode)
    answer = client.get("/api/v1/me", headers=person.headers)
    _is_problem(answer, 500, "internal_error")
    assert "SELECT" not in answer.get_data(as_text=True) and "Traceback" not in answer.get_data(as_text=True)


def test_per_ip_limit_on_auth_answers_429_with_retry_after(make_app):
    from tests.conftest import join_outer_transaction

    for app in join_outer_transaction(make_app(AUTH_RATE_LIMIT="3 per minute")):
        client = app.test_client()
        answers = [client.post("/api/v1/auth/token", json={"national_id": "001190000001", "password": "x" * 8})
                   for _ in range(4)]
        assert [a.status_code for a in answers] == [401, 401, 401, 429]
        _is_problem(answers[-1], 429, "rate_limited")
        assert int(answers[-1].headers["Retry-After"]) > 0


def test_probes(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["database"] == "ok" and ready.json["redis"] == "ok"


def test_readyz_is_503_when_redis_is_down(client, app, monkeypatch):
    import redis

    def down():
        raise redis.ConnectionError("refused")

    monkeypatch.setattr(app.extensions["runtime"].kv, "ping", down)
    _is_problem(client.get("/readyz"), 503, "redis_unavailable")


def test_openapi_is_valid_and_documents_errors(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    me = spec["paths"]["/api/v1/me"]["get"]
    assert {"200", "401", "403"} <= set(me["responses"])
    problem = spec["components"]["responses"]["UNAUTHORIZED"]["content"]
    assert "application/problem+json" in problem
    assert "/api/v1/auth/register" in spec["paths"] and "/.well-known/jwks.json" in spec["paths"]


def test_docs_render_from_local_assets(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_request_log_masks_id_numbers_and_echoes_request_id(client, people, caplog):
    person = people.citizen()
    with caplog.at_level(logging.INFO, logger="request"):
        answer = client.post("/api/v1/auth/token", headers={"X-Request-ID": "abc-123"},
                             json={"national_id": person.national_id, "password": "wrong-password"})
        client.get(f"/api/v1/public/{person.national_id}")
    assert answer.headers["X-Request-ID"] == "abc-123"
    lines = [r for r in caplog.records if r.name == "request"]
    assert any(getattr(r, "request_id", None) == "abc-123" and r.status == 401 for r in lines)
    text = json.dumps([vars(r) for r in caplog.records], default=str)
    assert person.national_id not in text and "wrong-password" not in text
    assert "********" + person.national_id[-4:] in text


# Found by the generated requests (tests/e2e/test_generated_requests.py); each was a 500.

def test_nul_characters_are_refused_before_they_reach_the_database(client, people):
    """PostgreSQL cannot store or even compare U+0000: a 500 on every text input before."""
    person = people.citizen()
    sign_in = client.post("/api/v1/auth/token", json={"national_id": person.national_id,
                                                      "password": PASSWORD, "device_name": "phone\x00"})
    _is_problem(sign_in, 422, "nul_character")
    assert sign_in.json["errors"] == {"device_name": ["Có chứa ký tự NUL."]}
    in_english = client.post("/api/v1/auth/token", headers={"Accept-Language": "en"},
                             json={"national_id": person.national_id, "password": PASSWORD, "device_name": "phone\x00"})
    assert in_english.json["errors"] == {"device_name": ["Contains the NUL character."]}
    search = client.get("/api/v1/procedures?q=birth%00")
    _is_problem(search, 422, "nul_character")
    assert list(search.json["errors"]) == ["q"]
    nested = client.post("/api/v1/dossiers", headers=person.headers,
                         json={"procedure_code": "1.001", "form": {"name\x00": "x", "list": ["a\x00"]}})
    _is_problem(nested, 422, "nul_character")
    assert set(nested.json["errors"]) == {"form.name\x00", "form.list.0"}
    for path in ("/api/v1/dossiers/H26%00", "/api/v1/public/dossiers/H26%00?id_last4=1234",
                 "/api/v1/me/health/consents/TTYT%00"):
        _is_problem(client.get(path, headers=person.headers), 404, "not_found")
    replay = client.post("/api/v1/dossiers", headers={**person.headers, "Idempotency-Key": "key\x01"},
                         json={"procedure_code": "1.001", "form": {}})
    _is_problem(replay, 422)
    assert "Idempotency-Key" in replay.json["errors"]


def test_ids_beyond_bigint_are_not_found_rather_than_overflowing(client, people):
    person = people.citizen()
    for path in (f"/api/v1/me/health/observations/{2**63}", f"/api/v1/signature-requests/{2**70}",
                 f"/api/v1/me/notifications/{10**30}/read"):
        method = client.post if path.endswith("/read") else client.get
        _is_problem(method(path, headers=person.headers), 404, "not_found")
    assert client.get(f"/api/v1/me/health/observations/{2**63 - 1}", headers=person.headers).status_code == 404


def test_unknown_query_parameters_are_refused(client, people):
    person = people.citizen()
    misspelt = client.get("/api/v1/me/dossiers?stauts=submitted", headers=person.headers)
    _is_problem(misspelt, 422, "validation_failed")
    assert misspelt.json["errors"] == {"stauts": ["Trường không được hỗ trợ."]}  # Vietnamese by default
    assert client.get("/api/v1/me/dossiers?status=submitted", headers=person.headers).status_code == 200


def test_the_document_lists_the_failures_the_gates_before_a_view_produce(client):
    document = client.get("/api/v1/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            responses = set(operation["responses"])
            if "requestBody" in operation:  # unparsable, too large, invalid
                assert {"400", "413", "422"} <= responses, (method, path)
            if method in ("post", "put", "patch"):  # the media-type gate
                assert "415" in responses, (method, path)
            if path.startswith("/api/v1/auth/"):  # the per-address limit on /auth/*
                assert "429" in responses, (method, path)
    logout = client.post("/api/v1/auth/logout", data="bye", content_type="text/plain")
    _is_problem(logout, 415, "unsupported_media_type")
    problem = document["components"]["schemas"]["Problem"]
    assert problem["additionalProperties"] is True  # extension members such as `current`, `allowed`
    assert {"type", "title", "status", "code"} <= set(problem["required"])


def test_the_swagger_page_sends_a_csp_that_no_site_can_frame(client):
    import base64
    import hashlib
    import re

    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"
    # Each inline script of the page is allowed by its hash, and nothing else inline is.
    scripts = re.findall(rb"<script>(.*?)</script>", page.get_data(), re.DOTALL)
    assert scripts and "'unsafe-inline'" not in policy["script-src"]
    for script in scripts:
        assert f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" in policy["script-src"]
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert "frame-ancestors 'none'" in asset.headers["Content-Security-Policy"]
