"""Demo data behind the 2024 indicators that read other capabilities: for the synthetic
population of services/demo/usage.py, signing certificates, health records and a year of
dossiers, written in bulk through those capabilities' models and rules.

- Certificates are real X.509 certificates from the configured CA (issued with the
  holder's name and ID number, `not_before` in the past). Issuing one costs a CA signature
  (~3 ms); a holder key pair costs ~50 ms, so the synthetic holders share one demo public
  key and have no remote-signing key (`certificate_keys`): their accounts cannot sign in
  anyway. Some are revoked, some expired, some renewed (the old one superseded).
- Health records are the bare per-resident record rows, created over 2023-2025.
- Dossiers follow the dossier rules: due dates from services.dossiers.deadlines (business
  days, Vietnamese holidays), on_time set when decided, codes from the per-agency daily
  sequence (counters advanced), a history row per move. Online ones carry a form the
  procedure's schema accepts; counter and post ones may have none, as at a real counter.
  No inbox notifications are written for them.

Deterministic (seeded random), and each part is skipped when its rows already exist, so
running `seed demo` again adds nothing.
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from models.dossiers import (Dossier, DossierActorKind, DossierChannel as Channel, DossierCodeCounter, DossierEvent,
                             DossierStatus as S, Procedure)
from models.health import HealthRecord
from models.reference import Agency
from models.signatures import Certificate, ServiceCounter, SignatureProvider
from services.bulk import upsert
from services.calendar.business_days import HANOI, is_business_day
from services.demo.dossiers import FORMS
from services.dossiers import deadlines
from services.signatures.authority import CertificateAuthority, CertificateSubject
from services.signatures.key_vault import KeyVault

START = datetime(2023, 1, 1, tzinfo=timezone.utc)
END_2024 = datetime(2024, 12, 31, 17, tzinfo=timezone.utc)  # 2025-01-01 00:00 in Hanoi
DAY = timedelta(days=1)
LAST_ISSUE = datetime(2025, 3, 31, tzinfo=timezone.utc)  # nothing is issued in the future

HOLDER_SHARE = 0.3          # of account holders, ever issued a certificate
RENEW_SHARE, REVOKE_SHARE = 0.6, 0.05
RECORD_SHARE = 0.45         # of residents, a health record by mid-2025
DOSSIERS = 2_400            # filed from October 2023 to January 2025
CHANNELS = ((Channel.ONLINE, 0.6), (Channel.COUNTER, 0.32), (Channel.POST, 0.08))
ON_TIME, REJECTED, RETURNED, WITHDRAWN = 0.85, 0.1, 0.7, 0.02


def _moment(rng: random.Random, first: datetime, last: datetime) -> datetime:
    return first + timedelta(seconds=rng.randrange(int((last - first).total_seconds())))


# ---- certificates ---------------------------------------------------------------------

def seed_certificates(session: Session, authority: CertificateAuthority, accounts: Sequence[dict],
                      rng: random.Random) -> int:
    """Certificates of HOLDER_SHARE of `accounts` (rows with id, full_name, national_id, created_at)."""
    holders = [a for a in accounts if rng.random() < HOLDER_SHARE]
    plans = [(a, rng.random(), rng.random(), rng.uniform(1, 400), rng.random()) for a in holders]
    existing = set(session.scalars(select(Certificate.account_id).where(
        Certificate.account_id.in_([a["id"] for a in holders]))))
    providers = sorted(session.scalars(select(SignatureProvider.code)))
    counters = _counters_open_while_issuing(session)
    if not providers or not counters:
        return 0
    key = KeyVault.new_key().public_pem
    added = 0
    for account, renew, revoke, after_days, where in plans:
        issued_at = account["created_at"] + after_days * DAY
        if account["id"] in existing or issued_at > LAST_ISSUE:
            continue
        place = {"provider_code": providers[int(where * len(providers))],
                 "counter_code": counters[int(where * 1000) % len(counters)]}
        first = _issue(session, authority, key, account, issued_at, place)
        added += 1
        if first.valid_to < END_2024 + 30 * DAY and renew < RENEW_SHARE:
            renewed_at = first.valid_to - timedelta(days=1 + 25 * renew)
            _issue(session, authority, key, account, renewed_at, place, renewed_from=first)
            first.revoked_at, first.revocation_reason = renewed_at.replace(microsecond=0), "superseded"
            added += 1
        elif revoke < REVOKE_SHARE:
            first.revoked_at = (first.valid_from + timedelta(days=20 + 300 * revoke / REVOKE_SHARE)).replace(
                microsecond=0)
            first.revocation_reason = "key_compromise"
    session.flush()
    return added


def _counters_open_while_issuing(session: Session) -> list[str]:
    """The counters open from START to LAST_ISSUE: the 2024 districts' and the departments',
    not the 2025 communes' (a certificate of 2023 was not issued at a counter of 2025)."""
    return sorted(session.scalars(
        select(ServiceCounter.code).join(Agency, Agency.code == ServiceCounter.agency_code)
        .where(or_(Agency.valid_from.is_(None), Agency.valid_from <= START.date()),
               or_(Agency.valid_to.is_(None), Agency.valid_to >= LAST_ISSUE.date()))))


def _issue(session: Session, authority: CertificateAuthority, public_pem: bytes, account: dict,
           at: datetime, place: dict, renewed_from: Certificate | None = None) -> Certificate:
    issued = authority.issue(CertificateSubject(account["full_name"], account["national_id"]), public_pem,
                             not_before=at)
    certificate = Certificate(account_id=account["id"], renewed_from_id=renewed_from.id if renewed_from else None,
                              serial=issued.serial, subject=issued.subject, pem=issued.pem,
                              valid_from=issued.valid_from, valid_to=issued.valid_to, created_at=at, **place)
    session.add(certificate)
    session.flush()
    return certificate


# ---- health records -------------------------------------------------------------------

def seed_health_records(session: Session, resident_ids: Sequence[int], rng: random.Random) -> None:
    """A record for RECORD_SHARE of residents, created from 2023 to mid-2025 (kept if present)."""
    last = datetime(2025, 6, 30, tzinfo=timezone.utc)
    rows = [{"resident_id": rid, "created_at": _moment(rng, START, last)}
            for rid in resident_ids if rng.random() < RECORD_SHARE]
    for start in range(0, len(rows), 5_000):
        upsert(session, HealthRecord.__table__, rows[start:start + 5_000], key=["resident_id"],
               compare=["resident_id"])


# ---- dossiers -------------------------------------------------------------------------

@dataclass(frozen=True)
class Owner:
    resident_id: int
    account_id: uuid.UUID | None
    district_code: str


def _channel(rng: random.Random) -> Channel:
    pick, total = rng.random(), 0.0
    for channel, share in CHANNELS:
        total += share
        if pick < total:
            return channel
    return CHANNELS[-1][0]


def _office_hours(moment: datetime) -> datetime:
    """That day, or the next working day, between 08:00 and 16:59 Hanoi time (counters are open)."""
    local = moment.astimezone(HANOI)
    while not is_business_day(local.date()):
        local += DAY
    return local.replace(hour=8 + local.minute % 9).astimezone(timezone.utc)


def _story(rng: random.Random, dossier: Dossier, processing_days: int) -> list[tuple[S | None, S, datetime]]:
    """Set the dossier's times and status by the dossier rules; the moves (from, to, at) it made."""
    moves: list[tuple[S | None, S, datetime]] = [(None, dossier.status, dossier.submitted_at)]
    if dossier.channel == Channel.ONLINE:
        if rng.random() < WITHDRAWN:
            dossier.status = S.WITHDRAWN
            return moves + [(S.SUBMITTED, S.WITHDRAWN, dossier.submitted_at + timedelta(hours=rng.uniform(1, 20)))]
        received = _office_hours(dossier.submitted_at + timedelta(hours=rng.uniform(2, 40)))
        received = max(received, dossier.submitted_at + timedelta(minutes=5))
        moves.append((S.SUBMITTED, S.RECEIVED, received))
    deadlines.start_clock(dossier, processing_days, moves[-1][2])
    processing = dossier.received_at + timedelta(hours=rng.uniform(0.5, 20))
    moves.append((S.RECEIVED, S.PROCESSING, processing))
    due = dossier.original_due_at
    if rng.random() < ON_TIME:
        decided = processing + (due - processing) * rng.uniform(0.05, 1.0)
    else:
        decided = due + timedelta(hours=rng.uniform(2, 240))
    decided = max(decided, processing + timedelta(minutes=10))
    outcome = S.REJECTED if rng.random() < REJECTED else S.APPROVED
    deadlines.finish(dossier, decided)
    moves.append((S.PROCESSING, outcome, decided))
    dossier.status = outcome
    if outcome == S.APPROVED and rng.random() < RETURNED:
        moves.append((S.APPROVED, S.RETURNED, decided + timedelta(hours=rng.uniform(2, 72))))
        dossier.status = S.RETURNED
    return moves


def _code(counters: dict[tuple[str, object], int], agency: str, at: datetime) -> str:
    day = at.astimezone(HANOI).date()
    counters[(agency, day)] = counters.get((agency, day), 0) + 1
    return f"{agency}-{day:%y%m%d}-{counters[(agency, day)]:04d}"


def _plan_dossiers(rng: random.Random, owners: Sequence[Owner], procedures: dict[str, Procedure]) -> list[dict]:
    online_codes = sorted(code for code in FORMS if code in procedures)
    all_codes = sorted(procedures)
    plans = []
    for _ in range(DOSSIERS):
        channel = _channel(rng)
        owner = rng.choice([o for o in owners if o.account_id] if channel == Channel.ONLINE else owners)
        code = rng.choice(online_codes if channel == Channel.ONLINE else all_codes)
        submitted = _moment(rng, datetime(2023, 9, 30, 17, tzinfo=timezone.utc),
                            datetime(2025, 1, 31, 17, tzinfo=timezone.utc))
        plans.append({"channel": channel, "owner": owner, "procedure": code,
                      "submitted": submitted if channel == Channel.ONLINE else _office_hours(submitted)})
    return sorted(plans, key=lambda p: p["submitted"])


def seed_dossiers(session: Session, owners: Sequence[Owner], rng: random.Random) -> int:
    procedures = {p.code: p for p in session.scalars(select(Procedure))}
    if not procedures or not owners:
        return 0
    plans = _plan_dossiers(rng, owners, procedures)
    if session.scalar(select(Dossier.id).where(Dossier.owner_resident_id == plans[0]["owner"].resident_id,
                                               Dossier.submitted_at == plans[0]["submitted"]).limit(1)):
        return 0  # seeded before
    counters = {(c.agency_code, c.day): c.last for c in session.scalars(select(DossierCodeCounter))}
    dossiers, stories = [], []
    for plan in plans:
        procedure, owner, at = procedures[plan["procedure"]], plan["owner"], plan["submitted"]
        online = plan["channel"] == Channel.ONLINE
        due = deadlines.expected_due(at, procedure.processing_days)
        dossier = Dossier(code=_code(counters, procedure.agency_code, at), procedure_code=procedure.code,
                          agency_code=procedure.agency_code, owner_account_id=owner.account_id,
                          owner_resident_id=owner.resident_id, district_code=owner.district_code,
                          channel=plan["channel"], status=S.SUBMITTED if online else S.RECEIVED,
                          form=FORMS[procedure.code] if online else {}, submitted_at=at,
                          received_at=None if online else at, due_at=due, original_due_at=due, updated_at=at)
        stories.append(_story(rng, dossier, procedure.processing_days))
        dossier.updated_at = stories[-1][-1][2]
        dossiers.append(dossier)
    session.add_all(dossiers)
    session.flush()
    by_owner = (S.SUBMITTED, S.WITHDRAWN)  # the online filing and its withdrawal; the agency does the rest
    session.execute(insert(DossierEvent), [
        {"dossier_id": d.id, "from_status": before, "to_status": after,
         "actor_kind": DossierActorKind.OWNER if after in by_owner else DossierActorKind.AGENCY_KEY,
         "actor_account_id": d.owner_account_id if after in by_owner else None,
         "actor_agency_code": None if after in by_owner else d.agency_code,
         "note": "Không đủ điều kiện theo quy định." if after == S.REJECTED else None,
         "missing_documents": None, "created_at": at}
        for d, story in zip(dossiers, stories) for before, after, at in story])
    upsert(session, DossierCodeCounter.__table__,
           [{"agency_code": agency, "day": day, "last": last} for (agency, day), last in counters.items()],
           key=["agency_code", "day"])
    return len(dossiers)
