"""What must hold after a fault: clean failures only, every acknowledged write stored, and the
database consistent (checked in SQL, not through the app)."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, text

from models.dossiers import DossierStatus
from services.dossiers.states import STATE_LABELS
from services.messages.catalogue import lazy_text, translate
from tests.faults.traffic import Answer, Traffic

# The 503 codes a client may be shown while a backing service is away.
UNAVAILABLE_CODES = {"service_unavailable", "database_unavailable", "redis_unavailable"}
INTERNALS = ("Traceback", "psycopg", "sqlalchemy", "redis.exceptions", "SELECT ", "INSERT ", "File \"/")


def assert_clean_failures(traffic: Traffic, *, dropped_allowed: bool = False) -> None:
    """No 500, no other 5xx than 503; every failure problem+json with a code and no internals."""
    bad: list[Answer] = []
    for answer in traffic.answers:
        if answer.status == 0 and not dropped_allowed:
            bad.append(answer)
        elif answer.status >= 500 and answer.status != 503:
            bad.append(answer)
        elif answer.status == 503 and (not isinstance(answer.body, dict)
                                       or answer.body.get("code") not in UNAVAILABLE_CODES):
            bad.append(answer)
        elif answer.status >= 400 and not answer.content_type.startswith("application/problem+json"):
            bad.append(answer)
        elif answer.status >= 400 and any(word in str(answer.body) for word in INTERNALS):
            bad.append(answer)
    assert not bad, f"{len(bad)} unclean failures, e.g. {[(a.operation, a.status, a.body) for a in bad[:5]]}"


def assert_server_logged_no_crash(log: str) -> None:
    """The app logs `unexpected error` (with a traceback) for every 500."""
    for word in ("unexpected error", "Traceback"):
        at = log.find(word)
        assert at < 0, log[max(0, at - 1500):at + 3000]


def statuses(answers: list[Answer]) -> Counter:
    return Counter(a.status for a in answers)


def _inbox_title(code: str, status: str) -> str:
    """The Vietnamese inbox title a citizen reads for a dossier that reached `status`."""
    state = DossierStatus(status)
    return translate("vi", lazy_text("dossier.notice.status.title", code=code, state=STATE_LABELS[state]))


def assert_acknowledged_writes_stored(engine: Engine, traffic: Traffic) -> None:
    """Every 2xx filing, move and health write is in the database, with its inbox entry."""
    with engine.connect() as connection:
        events = set(connection.execute(text(
            "SELECT d.code, e.to_status FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id")))
        inbox = set(connection.execute(text("SELECT reference, title FROM notifications")))
        observations = {row[0] for row in connection.execute(text("SELECT source_id FROM observations"))}
    for answer in traffic.of("dossier_register"):
        if answer.ok:
            code = answer.body["code"]
            assert (code, "received") in events, f"filing of {code} answered 201 but not stored"
            assert (code, _inbox_title(code, "received")) in inbox, f"no inbox entry for {code}"
    for answer in traffic.of("dossier_transition"):
        if answer.ok:
            code, to = answer.ref["code"], answer.ref["to"]
            assert (code, to) in events, f"move of {code} to {to} answered 200 but not stored"
            assert (code, _inbox_title(code, to)) in inbox, f"no inbox entry for {code} → {to}"
    for answer in traffic.of("health_write"):
        if answer.ok:
            assert answer.ref["source_id"] in observations, f"{answer.ref['source_id']} answered 201, not stored"


INVARIANTS = {
    "dossier status differs from its last history row": """
        SELECT d.code FROM dossiers d
        LEFT JOIN LATERAL (SELECT e.to_status FROM dossier_events e WHERE e.dossier_id = d.id
                           ORDER BY e.id DESC LIMIT 1) last ON true
        WHERE last.to_status IS DISTINCT FROM d.status""",
    "dossier move without its inbox entry (or the reverse)": """
        SELECT d.code FROM dossiers d
        WHERE d.owner_account_id IS NOT NULL
          AND (SELECT count(*) FROM dossier_events e WHERE e.dossier_id = d.id)
           <> (SELECT count(*) FROM notifications n WHERE n.reference = d.code AND n.kind = 'dossier_status')""",
    "issued signature request without exactly one certificate": """
        SELECT r.id FROM signature_requests r
        WHERE r.status = 'issued' AND (SELECT count(*) FROM certificates c WHERE c.request_id = r.id) <> 1""",
    "certificate of a request that is not issued": """
        SELECT c.serial FROM certificates c JOIN signature_requests r ON r.id = c.request_id
        WHERE r.status <> 'issued'""",
    "certificate without its sealed key": """
        SELECT c.serial FROM certificates c LEFT JOIN certificate_keys k ON k.certificate_id = c.id
        WHERE k.certificate_id IS NULL""",
    "signature request status differs from its last history row": """
        SELECT r.id FROM signature_requests r
        LEFT JOIN LATERAL (SELECT e.to_status FROM signature_request_events e WHERE e.request_id = r.id
                           ORDER BY e.id DESC LIMIT 1) last ON true
        WHERE last.to_status IS DISTINCT FROM r.status""",
    "issued request whose citizen is not at assurance level 2": """
        SELECT r.id FROM signature_requests r JOIN accounts a ON a.id = r.account_id
        WHERE r.status = 'issued' AND a.assurance_level < 2""",
}


def assert_consistent(engine: Engine) -> None:
    with engine.connect() as connection:
        broken = {name: [row[0] for row in connection.execute(text(sql))][:5]
                  for name, sql in INVARIANTS.items()}
    broken = {name: rows for name, rows in broken.items() if rows}
    assert not broken, broken
