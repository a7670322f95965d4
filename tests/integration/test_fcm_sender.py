"""The FCM HTTP v1 sender against a local fake of Google's token and FCM endpoints."""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.notifications.fcm import SCOPE, FcmPushSender
from services.notifications.push import PushFailed, PushMessage, PushOutcome

ERRORS = {
    "token-unregistered": (404, {"error": {"code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found.",
                                           "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                                        "errorCode": "UNREGISTERED"}]}}),
    "token-busy": (503, {"error": {"code": 503, "status": "UNAVAILABLE"}}),
    "token-malformed": (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}}),
}


class FakeGoogle(BaseHTTPRequestHandler):
    public_key = None
    token_uri = None
    issued: list = []
    messages: list = []
    revoked: set = set()

    def log_message(self, *args):
        pass

    def _answer(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/token":
            form = urllib.parse.parse_qs(raw.decode())
            assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
            claims = jwt.decode(form["assertion"][0], self.public_key, algorithms=["RS256"], audience=self.token_uri)
            assert claims["scope"] == SCOPE and claims["iss"] == "push@demo.iam.gserviceaccount.com"
            token = f"ya29.fake-{len(self.issued)}"
            self.issued.append(token)
            return self._answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
        if self.path != "/v1/projects/ihanoi-demo/messages:send":
            return self._answer(404, {"error": {"status": "NOT_FOUND"}})
        bearer = self.headers["Authorization"].removeprefix("Bearer ")
        if bearer not in self.issued or bearer in self.revoked:
            return self._answer(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
        message = json.loads(raw)["message"]
        if message["token"] in ERRORS:
            status, body = ERRORS[message["token"]]
            return self._answer(status, body, {"Retry-After": "7"} if status == 503 else None)
        self.messages.append(message)
        return self._answer(200, {"name": f"projects/ihanoi-demo/messages/{len(self.messages)}"})


@pytest.fixture
def google(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGoogle)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    FakeGoogle.public_key, FakeGoogle.token_uri = key.public_key(), f"{base}/token"
    FakeGoogle.issued, FakeGoogle.messages, FakeGoogle.revoked = [], [], set()
    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps({
        "type": "service_account", "project_id": "ihanoi-demo", "private_key_id": "k1",
        "private_key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode(),
        "client_email": "push@demo.iam.gserviceaccount.com", "token_uri": f"{base}/token"}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield FcmPushSender(str(credentials), endpoint=base, timeout=5)
    server.shutdown()
    server.server_close()


def _message(token):
    return PushMessage(token=token, platform="android", title="Hồ sơ đã tiếp nhận", body="Hẹn trả 17:00",
                       data={"notification_id": "1", "kind": "dossier_status", "reference": "X"})


def test_sends_with_one_oauth_token_reused(google):
    assert google.send(_message("token-phone-1")) is PushOutcome.SENT
    assert google.send(_message("token-phone-2")) is PushOutcome.SENT
    assert len(FakeGoogle.issued) == 1
    assert [m["token"] for m in FakeGoogle.messages] == ["token-phone-1", "token-phone-2"]
    assert FakeGoogle.messages[0]["notification"]["title"] == "Hồ sơ đã tiếp nhận"


def test_unregistered_tokens_are_reported(google):
    assert google.send(_message("token-unregistered")) is PushOutcome.UNREGISTERED


def test_an_unavailable_service_is_retryable_and_a_bad_message_is_not(google):
    with pytest.raises(PushFailed) as busy:
        google.send(_message("token-busy"))
    assert busy.value.retry_after == 7 and not busy.value.permanent
    with pytest.raises(PushFailed) as malformed:
        google.send(_message("token-malformed"))
    assert malformed.value.permanent


def test_a_refused_access_token_is_replaced_on_the_next_try(google):
    google.send(_message("token-phone-1"))
    FakeGoogle.revoked.add(FakeGoogle.issued[0])
    with pytest.raises(PushFailed):
        google.send(_message("token-phone-1"))
    assert google.send(_message("token-phone-1")) is PushOutcome.SENT
    assert len(FakeGoogle.issued) == 2


def test_an_unreachable_service_is_retryable(tmp_path, google):
    google._url = "http://127.0.0.1:9/v1/projects/ihanoi-demo/messages:send"  # nothing listens on port 9
    with pytest.raises(PushFailed) as down:
        google.send(_message("token-phone-1"))
    assert not down.value.permanent


def test_a_file_that_is_not_a_service_account_is_refused(tmp_path):
    path = tmp_path / "creds.json"
    path.write_text(json.dumps({"type": "authorized_user"}))
    with pytest.raises(ValueError):
        FcmPushSender(str(path))
