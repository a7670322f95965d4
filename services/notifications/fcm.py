"""Firebase Cloud Messaging (HTTP v1 API) with a service account's credentials file.

The OAuth2 access token comes from the service-account JWT bearer grant (RFC 7523): a
JWT signed with the account's private key is exchanged at its `token_uri`, and the token
is reused until shortly before it expires.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt

from services.notifications.push import PushFailed, PushMessage, PushOutcome

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
DEFAULT_ENDPOINT = "https://fcm.googleapis.com"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
TOKEN_LIFETIME = 3600
TOKEN_MARGIN = 120


def load_credentials(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        credentials = json.load(handle)
    missing = [k for k in ("project_id", "client_email", "private_key", "token_uri") if not credentials.get(k)]
    if credentials.get("type") != "service_account" or missing:
        raise ValueError(f"{path} is not a service-account credentials file (missing {', '.join(missing) or 'type'})")
    return credentials


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    return float(value) if value and value.isdigit() else None


def _error_codes(error: urllib.error.HTTPError) -> set[str]:
    try:
        payload = json.loads(error.read() or b"{}").get("error", {})
    except (ValueError, AttributeError):
        return set()
    codes = {payload.get("status", "")}
    codes.update(d.get("errorCode", "") for d in payload.get("details", []) if isinstance(d, dict))
    return codes - {""}


class FcmPushSender:
    def __init__(self, credentials_file: str, *, endpoint: str = DEFAULT_ENDPOINT, timeout: float = 10,
                 clock: Callable[[], float] = time.time) -> None:
        self._credentials = load_credentials(credentials_file)
        self._url = f"{endpoint.rstrip('/')}/v1/projects/{self._credentials['project_id']}/messages:send"
        self._timeout = timeout
        self._clock = clock
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def _post(self, url: str, data: bytes, headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self._timeout) as response:
            return json.loads(response.read() or b"{}")

    def _fetch_token(self) -> tuple[str, float]:
        now = int(self._clock())
        creds = self._credentials
        assertion = jwt.encode({"iss": creds["client_email"], "scope": SCOPE, "aud": creds["token_uri"],
                                "iat": now, "exp": now + TOKEN_LIFETIME},
                               creds["private_key"], algorithm="RS256",
                               headers={"kid": creds.get("private_key_id", "")})
        form = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                                       "assertion": assertion}).encode()
        try:
            answer = self._post(creds["token_uri"], form, {"Content-Type": "application/x-www-form-urlencoded"})
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise PushFailed(f"OAuth2 token exchange failed: {exc}") from exc
        if not answer.get("access_token"):
            raise PushFailed("OAuth2 token exchange gave no access_token")
        return answer["access_token"], now + float(answer.get("expires_in", TOKEN_LIFETIME))

    def _access_token(self) -> str:
        with self._lock:
            if self._token is None or self._token[1] - TOKEN_MARGIN <= self._clock():
                self._token = self._fetch_token()
            return self._token[0]

    def send(self, message: PushMessage) -> PushOutcome:
        body = json.dumps({"message": {
            "token": message.token,
            "notification": {"title": message.title, "body": message.body},
            "data": message.data,
        }}).encode()
        headers = {"Authorization": f"Bearer {self._access_token()}",
                   "Content-Type": "application/json; charset=utf-8"}
        try:
            self._post(self._url, body, headers)
        except urllib.error.HTTPError as error:
            return self._failed(error)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise PushFailed(f"FCM unreachable: {exc}") from exc
        return PushOutcome.SENT

    def _failed(self, error: urllib.error.HTTPError) -> PushOutcome:
        codes = _error_codes(error)
        if "UNREGISTERED" in codes:
            return PushOutcome.UNREGISTERED
        if error.code == 401:
            with self._lock:
                self._token = None  # expired or revoked: fetch a new one on the next try
            raise PushFailed("FCM refused the access token")
        if error.code in RETRYABLE_STATUSES:
            raise PushFailed(f"FCM answered {error.code}", retry_after=_retry_after(error))
        raise PushFailed(f"FCM rejected the message: {error.code} {sorted(codes)}", permanent=True)
