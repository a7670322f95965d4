"""Every role on every route: the callers, the arranged world, and the walker.

The walker calls one route as one caller inside a SAVEPOINT of the test's transaction and
rolls it back afterwards, so every cell of the table sees the same arranged world: a
withdrawal by the owner does not turn the officer's transition into a 409, and a granted
consent revoked in one cell is still there in the next. Redis state is not rolled back;
calls that would spend a caller's credentials (logout, the dashboard's sign-out) run on a
session of their own, and single-use inputs (OTP challenges, refresh tokens) are made
afresh for each cell by the call's builder.
"""
from __future__ import annotations

import html
import io
import json
import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterator

from flask import Flask
from werkzeug.test import TestResponse

from services.clock import clock
from services.signatures.demo import load_catalogues
from tests.dossiers_support import BA_DINH, BUSINESS, BUSINESS_FORM, key_headers, load_catalogue, walk
from tests.health_support import CLINIC, HOSPITAL, check_up, days_ago, load_facilities, written
from tests.signatures_support import DATA, business_day, minimal_pdf, sign
from tests.support import PASSWORD, Person, bearer

CAU_GIAY = "UBND-00166"  # another commune-level people's committee, since 2025-07-01 (counter MC-P-CAUGIAY)
COUNTER = "MC-P-BADINH"  # the one-stop counter of BA_DINH (UBND phường Ba Đình), where "officer" works
API = "/api/v1"

# The columns of the table, in order. "owner" owns every resource the calls name (the
# dossiers, the signature request, the certificate, the health record, the consent) and is
# the guardian of the child whose record some health calls read; "other" is another citizen.
CALLERS = ("anon", "expired", "owner", "other", "officer", "officer2", "doctor", "doctor2",
           "analyst", "admin", "key", "key2", "basic")
ACCOUNT_CALLERS = ("owner", "other", "officer", "officer2", "doctor", "doctor2", "analyst", "admin", "basic")
CSRF = "role-walk-csrf-token"


@dataclass(frozen=True)
class Call:
    """How one route is called: the concrete path and a minimal valid request."""

    path: str
    query: dict[str, str] | None = None
    json: Any = None
    form: dict[str, Any] | None = None       # multipart (API) or urlencoded (dashboard forms)
    at: datetime | None = None               # the service clock during the call
    own_session: bool = False                # the call ends the session it is made with
    sign_in_form: bool = False               # the form carries the caller's ID number and password
    body: tuple[bytes, str] | None = None    # a raw body and its media type (DER protocol messages)
    headers: dict[str, str] | None = None    # sent besides the caller's credentials (X-Subject)


@dataclass(frozen=True)
class Cell:
    status: int
    personal: bool  # the answer may carry the owner's name (never a full ID number to staff)

    @classmethod
    def parse(cls, text: str) -> "Cell":
        return cls(int(text.rstrip("*")), text.endswith("*"))


def parse_table(text: str) -> dict[str, tuple[Cell, ...]]:
    """{"METHOD /path": (Cell per caller)}; the header row must name CALLERS in order."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[1:]) == CALLERS, f"table header {header[1:]} != {CALLERS}"
    table: dict[str, tuple[Cell, ...]] = {}
    for row in rows:
        route = f"{row[0]} {row[1]}"
        assert len(row) == 2 + len(CALLERS), f"{route}: {len(row) - 2} cells for {len(CALLERS)} callers"
        assert route not in table, f"{route} has two rows"
        table[route] = tuple(Cell.parse(cell) for cell in row[2:])
    return table


def served_routes(app: Flask, document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(routes of the OpenAPI document, routes the app serves outside it) as "METHOD /path"."""
    documented = {f"{method.upper()} {path}" for path, operations in document["paths"].items()
                  for method in operations if method in ("get", "put", "post", "delete", "patch")}
    served = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        served |= {f"{method} {path}" for method in rule.methods - {"HEAD", "OPTIONS"}}
    return documented, served - documented


@dataclass
class World:
    """The arranged people, credentials and resources; ids name the resources the calls use."""

    app: Flask
    client: Any
    people: dict[str, Person]
    child: Person
    registrant: Person
    keys: dict[str, str]
    expired_token: str
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def owner(self) -> Person:
        return self.people["owner"]

    def as_(self, caller: str) -> dict[str, str]:
        return self.people[caller].headers

    # -- private data that only the owner (and, where the table says so, staff) may see --
    def private_values(self) -> list[str]:
        return [self.owner.full_name, self.owner.national_id, self.child.full_name, self.child.national_id]

    def full_ids(self) -> list[str]:
        return [self.owner.national_id, self.child.national_id]


# -- arranging ---------------------------------------------------------------------------------

def _ok(answer: TestResponse, status: int) -> dict[str, Any]:
    assert answer.status_code == status, (answer.status_code, answer.get_json())
    return answer.get_json()


def expired_token(app: Flask, session, person: Person) -> str:
    """An access token of `person`'s account, signed with the app's own key, already expired."""
    rt = app.extensions["runtime"]
    ttl = rt.tokens.ttl_seconds
    rt.tokens.ttl_seconds = -120
    try:
        pair = rt.sign_in.open_session(session, person.account, "expired phone")
    finally:
        rt.tokens.ttl_seconds = ttl
    session.commit()
    return pair.access_token


def arrange(app: Flask, client, people, db_session) -> World:
    """Two citizens, a child, every staff role, two agency keys, and the owner's resources."""
    load_catalogue(db_session)
    load_facilities(db_session)
    load_catalogues(db_session, DATA)
    db_session.commit()
    owner = people.citizen(full_name="Đặng Thị Thu Hương", born=date(1988, 3, 8))
    child = people.resident(full_name="Đặng Minh Khôi", sex="male",
                            born=date(date.today().year - 6, 2, 1), guardian=owner.national_id)
    cast = {
        "owner": owner,
        "other": people.citizen(full_name="Nguyễn Văn Bình", sex="male", born=date(1979, 11, 2)),
        "officer": people.staff("officer", agency_code=BA_DINH),
        "officer2": people.staff("officer", agency_code=CAU_GIAY),
        "doctor": people.staff("health_provider", facility_code=CLINIC),
        "doctor2": people.staff("health_provider", facility_code=HOSPITAL),
        "analyst": people.staff("analyst"),
        "admin": people.staff("admin"),
        "basic": people.citizen(full_name="Lê Thị Mai", born=date(1992, 4, 9), assurance_level=1),
    }
    world = World(app, client, cast, child,
                  registrant=people.resident(full_name="Trịnh Văn Mới", sex="male", born=date(1995, 6, 1),
                                             phone="+84912345670"),
                  keys={"key": key_headers(db_session, BA_DINH)["Authorization"],
                        "key2": key_headers(db_session, CAU_GIAY)["Authorization"]},
                  expired_token=expired_token(app, db_session, owner))
    _arrange_dossiers(world)
    _arrange_health(world)
    world.ids["request"] = _ok(client.post(f"{API}/signature-requests", headers=owner.headers, json={
        "provider_code": "VNPT-CA", "counter_code": COUNTER,
        "appointment_date": business_day().isoformat()}), 201)["id"]
    world.ids["recoverable"] = people.citizen(full_name="Phí Văn Hậu", sex="male", born=date(1983, 2, 2)).national_id
    world.ids["spare_session"] = _ok(client.post(f"{API}/auth/token", json={
        "national_id": owner.national_id, "password": PASSWORD, "device_name": "old phone"}), 200)["session_id"]
    inbox = _ok(client.get(f"{API}/me/notifications", headers=owner.headers), 200)["items"]
    world.ids["notification"] = inbox[0]["id"]
    return world


def _arrange_dossiers(world: World) -> None:
    """submitted (online), supplement_requested, received (registered at the counter), and
    rejected (decided: its owner can rate it)."""
    client, owner, officer = world.client, world.owner, world.as_("officer")

    def filed() -> str:
        return _ok(client.post(f"{API}/dossiers", headers=owner.headers,
                               json={"procedure_code": BUSINESS, "form": BUSINESS_FORM}), 201)["code"]

    world.ids["dossier"] = filed()
    world.ids["document"] = _ok(client.post(f"{API}/dossiers/{world.ids['dossier']}/documents", headers=owner.headers,
                                            data={"component_code": "CCCD", "file": pdf_upload(minimal_pdf("CCCD"))},
                                            content_type="multipart/form-data"), 201)["id"]
    world.ids["dossier_waiting"] = filed()
    walk(client, officer, world.ids["dossier_waiting"], "received", "processing", "supplement_requested")
    world.ids["dossier_processing"] = filed()
    walk(client, officer, world.ids["dossier_processing"], "received", "processing")
    _ok(client.post(f"{API}/agency/dossiers/{world.ids['dossier_processing']}/result", headers=officer,
                    data={"file": pdf_upload(minimal_pdf("Ket qua"))}, content_type="multipart/form-data"), 201)
    world.ids["dossier_decided"] = filed()
    walk(client, officer, world.ids["dossier_decided"], "received", "rejected")
    world.ids["dossier_received"] = _ok(client.post(f"{API}/agency/dossiers", headers=officer, json={
        "national_id": owner.national_id, "full_name": owner.full_name, "procedure_code": BUSINESS,
        "channel": "counter"}), 201)["code"]


def _arrange_health(world: World) -> None:
    """Records written by the clinic for the owner and the child, a consent, a correction request."""
    client, owner, doctor = world.client, world.owner, world.people["doctor"]
    written(client, doctor, owner.national_id, check_up("own", days_ago(20), systolic=141))
    kid = check_up("kid", days_ago(10), weight=21, height=118, systolic=100, diastolic=65)
    asthma_since = world.child.date_of_birth + timedelta(days=3 * 365)
    kid["conditions"] = [{"code": "J45", "onset_date": asthma_since.isoformat(), "status": "active",
                          "source_id": "kid-c"}]
    kid["risk_factors"] = []  # a six-year-old's record has no smoking history
    written(client, doctor, world.child.national_id, kid)
    _ok(client.put(f"{API}/me/health/consents/{CLINIC}", json={}, headers=owner.headers), 200)
    observations = _ok(client.get(f"{API}/me/health/observations", headers=owner.headers), 200)["items"]
    world.ids["observation"], world.ids["observation_to_correct"] = observations[0]["id"], observations[1]["id"]
    encounters = _ok(client.get(f"{API}/me/health/encounters", headers=owner.headers), 200)["items"]
    world.ids["encounter"] = encounters[0]["id"]
    world.ids["correction"] = _ok(client.post(f"{API}/me/health/correction-requests", headers=owner.headers, json={
        "resource_type": "observation", "resource_id": world.ids["observation"],
        "reason": "Huyết áp đo sai tay"}), 201)["id"]


def certified(world: World) -> None:
    """Stage: the owner's request approved (a valid certificate, a PDF signed with it), and the
    other citizen's request too."""
    client, officer = world.client, world.as_("officer")
    _ok(client.post(f"{API}/signature-requests/{world.ids['request']}/approve", json={}, headers=officer), 200)
    other = _ok(client.post(f"{API}/signature-requests", headers=world.as_("other"), json={
        "provider_code": "VNPT-CA", "counter_code": COUNTER, "appointment_date": business_day().isoformat()}), 201)
    _ok(client.post(f"{API}/signature-requests/{other['id']}/approve", json={}, headers=officer), 200)
    certificate = _ok(client.get(f"{API}/me/certificates", headers=world.owner.headers), 200)["items"][0]
    world.ids["serial"] = certificate["serial"]
    world.ids["certificate_valid_to"] = datetime.fromisoformat(certificate["valid_to"])
    world.ids["signed_pdf"] = sign(client, world.owner, minimal_pdf("Hop dong thue nha")).data


STAGES: dict[str, Callable[[World], None] | None] = {"arranged": None, "certified": certified}


# -- walking -----------------------------------------------------------------------------------

@contextmanager
def savepoint(world: World) -> Iterator[None]:
    connection = world.app.extensions["runtime"].sessions.kw["bind"]
    nested = connection.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


@contextmanager
def staged(world: World, prepare: Callable[[World], None] | None) -> Iterator[None]:
    """A stage of the walk: `prepare` applied once, in a savepoint the stage's cells nest in."""
    with savepoint(world):
        if prepare is not None:
            prepare(world)
        yield


def _fresh_pair(world: World, caller: str):
    rt = world.app.extensions["runtime"]
    with rt.sessions() as session:
        pair = rt.sign_in.open_session(session, world.people[caller].account, "role walk")
        session.commit()
    return pair


def _credentials(world: World, caller: str, call: Call, browser: bool) -> dict[str, str]:
    """The Authorization header an app sends as `caller` (none for a browser's account)."""
    if caller in world.keys:
        return {"Authorization": world.keys[caller]}
    if caller == "expired" and not browser:
        return bearer(world.expired_token)
    if caller in ACCOUNT_CALLERS and not browser:
        return bearer(_fresh_pair(world, caller).access_token) if call.own_session else world.as_(caller)
    return {}


def _browser_session(world: World, client, caller: str) -> None:
    """The dashboard's cookie as a browser of `caller` holds it: a session of its own, the CSRF token."""
    with client.session_transaction() as cookie:
        cookie["csrf"] = CSRF
        if caller == "expired":
            cookie["access_token"] = world.expired_token
        elif caller in ACCOUNT_CALLERS:
            pair = _fresh_pair(world, caller)
            cookie["access_token"], cookie["refresh_token"] = pair.access_token, pair.refresh_token


def _form(world: World, caller: str, call: Call, browser: bool) -> dict[str, Any] | None:
    if not browser:
        return call.form
    form = {"csrf_token": CSRF, **(call.form or {})}
    if call.sign_in_form:
        person = world.people.get(caller)
        form.update(national_id=person.national_id if person else "",
                    password=PASSWORD if person else "")
    return form


def _forget_code_budgets(world: World) -> None:
    """Each cell texts the same people afresh; the hourly code budgets would run out mid-walk."""
    kv = world.app.extensions["runtime"].kv
    for key in kv.scan_iter("otp-budget:*"):
        kv.delete(key)


def call_as(world: World, caller: str, route: str, build: Callable[[World], Call]) -> TestResponse:
    """One cell: build the call (in the cell's savepoint), make it as `caller`, roll back."""
    method, _ = route.split(" ", 1)
    _forget_code_budgets(world)
    with savepoint(world), ExitStack() as stack:
        call = build(world)
        browser = call.path.startswith("/dashboard")
        client = world.app.test_client()  # no cookie carried from one cell to the next
        if browser:
            _browser_session(world, client, caller)
        headers = _credentials(world, caller, call, browser)
        form = _form(world, caller, call, browser)
        if call.at is not None:
            stack.enter_context(clock.frozen_at(call.at))
        kwargs: dict[str, Any] = {"query_string": call.query, "headers": {**(call.headers or {}), **headers}}
        if call.body is not None:
            kwargs["data"], kwargs["content_type"] = call.body
        elif call.json is not None:
            kwargs["json"] = call.json
        elif form is not None:
            kwargs["data"] = form
            if not browser:
                kwargs["content_type"] = "multipart/form-data"
        return client.open(call.path, method=method, **kwargs)


def visible_text(answer: TestResponse) -> str:
    """What a reader of the answer sees: JSON decoded (no \\u escapes), HTML unescaped."""
    if not answer.get_data():
        return ""
    if answer.is_json or answer.mimetype.endswith("+json"):
        return json.dumps(json.loads(answer.get_data()), ensure_ascii=False)
    text = answer.get_data().decode("utf-8", errors="replace")
    return html.unescape(text) if answer.mimetype == "text/html" else text


def pdf_upload(content: bytes, name: str = "don.pdf") -> tuple[io.BytesIO, str, str]:
    return io.BytesIO(content), name, "application/pdf"


def later(moment: datetime, **delta: float) -> str:
    return (moment + timedelta(**delta)).isoformat()
