"""Arranging the generated-request run: a seeded world, one caller per role, a request count.

The world is a database of its own (a second SQLite file, or a second PostgreSQL database
next to the test database) migrated and loaded with the demo data (`seed demo`) for real.
Every generated request (with schemathesis' follow-up probes) then runs in a transaction of
its own that is rolled back, with an empty key-value store, so each one meets the same
state: a logout or a cancelled request does not change what the next example sees. (One
long transaction with a savepoint per example would not do on PostgreSQL: each rolled-back
subtransaction keeps a lock until the end, and twenty thousand of them fill the lock table.)
"""
from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import flask
import schemathesis
from schemathesis import GenerationMode
from sqlalchemy.orm import sessionmaker

from api.problems import INVALID_FIELDS
from services.demo import people as demo_people
from services.demo.health import DOCTOR
from services.identity import accounts
from services.identity.agency_keys import create_agency_key
from tests.databases import migrated_database
from tests.support import bearer

OPENAPI = "/api/v1/openapi.json"
PROBLEM_JSON = "application/problem+json"
# Who calls: a demo person signed in, or the agency system of the demo officer's agency.
CALLERS = {
    "citizen": demo_people.CITIZEN,
    "citizen_level1": demo_people.LEVEL1_CITIZEN,
    "officer": demo_people.OFFICER,
    "health_provider": DOCTOR,
    "analyst": demo_people.ANALYST,
    "admin": demo_people.ADMIN,
    "agency_key": demo_people.OFFICER.agency_code,
}


@dataclass
class RequestCount:
    """Requests that reached the app, per caller (schemathesis' own probes included)."""

    by_caller: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    caller: str = "setup"  # requests made while no generated test runs (not counted)

    def __call__(self, _sender: Any, **_extra: Any) -> None:
        with self._lock:
            self.by_caller[self.caller] = self.by_caller.get(self.caller, 0) + 1

    @property
    def total(self) -> int:
        return sum(n for caller, n in self.by_caller.items() if caller in CALLERS)


@dataclass
class World:
    app: flask.Flask
    headers: dict[str, dict[str, str]]
    count: RequestCount
    started: float  # time.monotonic() when the world began to be built
    seeded_in: float  # seconds spent migrating and seeding

    @contextmanager
    def fresh_state(self) -> Iterator[None]:
        """Run one example on the seeded state, then forget everything it changed."""
        runtime = self.app.extensions["runtime"]
        committed = runtime.sessions
        connection = runtime.engine.connect()
        transaction = connection.begin()
        runtime.sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                        expire_on_commit=False)
        runtime.kv.flushdb()
        try:
            yield
        finally:
            runtime.sessions = committed
            transaction.rollback()
            connection.close()


def _sign_in(session, rt, national_id: str) -> dict[str, str]:
    account = accounts.find_account(session, rt.id_hasher, national_id)
    return bearer(rt.sign_in.open_session(session, account, "schemathesis").access_token)


def build_world(make_app, test_database_url: str, directory: str) -> Iterator[World]:
    started = time.monotonic()
    with migrated_database(test_database_url, directory, "generated") as url:
        app = make_app(DATABASE_URL=url)
        runtime = app.extensions["runtime"]
        runtime.kv.flushdb()
        count = RequestCount()
        try:
            seeded = app.test_cli_runner().invoke(args=["seed", "demo"])
            assert seeded.exit_code == 0, seeded.output
            headers: dict[str, dict[str, str]] = {}
            with runtime.sessions() as session:
                for caller, person in CALLERS.items():
                    if caller == "agency_key":
                        headers[caller] = {"Authorization": f"ApiKey {create_agency_key(session, person)}"}
                    else:
                        headers[caller] = _sign_in(session, runtime, person.national_id)
                session.commit()
            flask.request_started.connect(count, app)
            APP.app = app
            yield World(app, headers, count, started, time.monotonic() - started)
        finally:
            APP.app = None
            flask.request_started.disconnect(count, app)
            runtime.kv.flushdb()
            runtime.engine.dispose()


def served_document(app: flask.Flask | None = None) -> dict[str, Any]:
    """The OpenAPI document as the app serves it (from a throwaway app when none is given:
    pytest collects one test per operation before any fixture exists)."""
    if app is not None:
        return app.test_client().get(OPENAPI).json
    from api import create_app

    previous = os.environ.get("INSTANCE_PATH")
    with tempfile.TemporaryDirectory() as instance:
        os.environ["INSTANCE_PATH"] = instance
        try:
            app = create_app({"APP_ENV": "testing", "TESTING": True, "LOG_LEVEL": "WARNING",
                              "DATABASE_URL": f"sqlite:///{instance}/document.sqlite3", "REDIS_URL": None})
            return app.test_client().get(OPENAPI).json
        finally:
            if previous is None:
                os.environ.pop("INSTANCE_PATH", None)
            else:
                os.environ["INSTANCE_PATH"] = previous


def strict_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its catch-all `default` response.

    `default` (problem+json for any other status) is true but would let any status pass
    schemathesis' status-code check; the run holds each operation to its listed codes.
    """
    document = copy.deepcopy(document)
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    return document


class AppSlot:
    """The WSGI app schemathesis calls: loaded with the schema at collection time, filled in
    by the `world` fixture once the test app (database, seeded state) exists."""

    def __init__(self) -> None:
        self.app: flask.Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None, "the world fixture fills the slot"
        return self.app(environ, start_response)


APP = AppSlot()


# The CA's protocol bodies (RFC 3161 queries, RFC 6960 requests) are raw bytes, sent as such.
schemathesis.serializer.alias(["application/timestamp-query", "application/ocsp-request"], "application/octet-stream")


def load_schema(config: schemathesis.Config) -> Any:
    schema = schemathesis.openapi.from_dict(strict_document(served_document()), config=config)
    schema.app = APP
    return schema


def schema_valid_input_is_parsed(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """A request the document calls valid gets past the argument parser and the media-type gate.

    A business rule may still refuse it (an appointment in the past, an ID number whose
    check digits are wrong: 4xx with the rule's own code), but a parser rejection means the
    document and the parser disagree. (schemathesis' positive_data_acceptance would also
    fail every rule that no JSON schema can say, so it is replaced by this narrower check.)
    """
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return None
    if response.status_code not in (400, 415, 422):
        return None
    body = json.loads(response.content)
    parser_rejected = body.get("detail") == INVALID_FIELDS or body.get("code") == "unsupported_media_type"
    assert not parser_rejected, f"schema-valid input rejected by the parser: {body}"
    return None


def errors_are_problem_json(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every 4xx/5xx is RFC 9457 problem+json whose `status` is the response's, with a `code`."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    assert content_type == PROBLEM_JSON, f"{response.status_code} answered as {content_type!r}"
    body = json.loads(response.content)
    assert body.get("status") == response.status_code, body
    assert isinstance(body.get("code"), str) and body["code"], body
    return None


# -- hostile payloads: a fixed set sent to every operation (issue 12, point 2) -----------------

HUGE = "1" + "0" * 30  # beyond 64 bits
DEEP = 5_000


def _cursor(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


ODD_CURSORS = [_cursor(f'["2026-01-01T00:00:00+00:00", {HUGE}]'), _cursor('["2026-01-01T00:00:00", 1]'),
               _cursor('["2026-01-01T00:00:00+00:00", 1e999]'), _cursor("[" * DEEP + "]" * DEEP),
               _cursor('"x"'), "%%%not-base64", "A" * 500]
# Raw JSON text for a field's value: numbers no column holds, JSON's non-numbers, nesting.
ODD_VALUES = [HUGE, f"-{HUGE}", "1e999", "NaN", "Infinity", "[" * 20 + "]" * 20, f'"{HUGE}"']
ODD_BODIES = ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP, "1e999", HUGE, '"' + "\\u0000" * 10 + '"']


@dataclass
class HostileRequest:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.query} {(self.body or '')[:60]}"


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node_path = node["$ref"].removeprefix("#/").split("/")
        node = document
        for part in node_path:
            node = node[part]
    return node


def _parameters(document, item, operation) -> list[dict[str, Any]]:
    return [_resolve(document, p) for p in item.get("parameters", []) + operation.get("parameters", [])]


def _fill(path: str, parameters: list[dict[str, Any]], value: str) -> str:
    for parameter in parameters:
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


def hostile_requests(document: dict[str, Any]) -> Iterator[HostileRequest]:
    """For every operation: odd path values, odd query values and cursors, hostile JSON bodies."""
    for template, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            parameters = _parameters(document, item, operation)
            path = _fill(template, parameters, "1")
            for value in (HUGE, "18446744073709551616", "-1", "%00"):
                if "{" in template:
                    yield HostileRequest(method.upper(), _fill(template, parameters, value))
            names = [p["name"] for p in parameters if p["in"] == "query"]
            for cursor in ODD_CURSORS if "cursor" in names else []:
                yield HostileRequest(method.upper(), path, {"cursor": cursor})
            if names:
                yield HostileRequest(method.upper(), path, {name: HUGE for name in names})
                yield HostileRequest(method.upper(), path, {name: "1e999" for name in names})
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            schema = _resolve(document, content["application/json"].get("schema", {}))
            properties = list(schema.get("properties", {}))
            for body in ODD_BODIES:
                yield HostileRequest(method.upper(), path, body=body)
            for value in ODD_VALUES if properties else []:
                yield HostileRequest(method.upper(), path,
                                     body="{" + ", ".join(f'"{name}": {value}' for name in properties) + "}")


def no_server_error(answer: Any, sent: HostileRequest) -> None:
    """The bar for a hostile request: no 5xx, and every refusal is problem+json with a code."""
    assert answer.status_code < 500, (str(sent), answer.status_code, answer.data[:300])
    if answer.status_code >= 400:
        assert answer.mimetype == PROBLEM_JSON, (str(sent), answer.status_code, answer.mimetype)
        assert answer.json["status"] == answer.status_code and answer.json["code"], (str(sent), answer.json)
