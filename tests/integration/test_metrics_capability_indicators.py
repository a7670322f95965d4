"""The five indicators read from the signature, health and dossier capabilities' own tables,
against counts computed here from the rows the test writes through those capabilities'
models and services."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from api.context import context_of
from models.dossiers import Dossier, Procedure
from models.identity import Account
from models.signatures import Certificate
from services.clock import clock
from services.dossiers import actions, deadlines, submission
from services.health.records import ensure_records
from services.identity.principal import Principal
from services.metrics.indicators import IndicatorQuery, compute_indicators
from services.signatures import certificates as certificate_service
from services.signatures.demo import load_catalogues as load_signature_catalogues
from tests.dossiers_support import BUSINESS, BUSINESS_FORM
from tests.dossiers_support import load_catalogue as load_procedures
from tests.metrics_support import (DISTRICTS, END_2024, START_2024, TODAY, cells, counted_account,
                                   expected_eid, population, seed_people, utc)
from tests.signatures_support import DATA, ENDED_COUNTER as COUNTER_OF_2024  # certificates of 2023-2024

LAST_DAY = date(2024, 12, 31)
# The certificate's content is not what metrics read; these rows stand for issued ones.
PEM = "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n"


@pytest.fixture
def people_2024(db_session):
    return seed_people(db_session, population(random.Random(6)))


def _indicators(session, period: str = "2024"):
    return compute_indicators(session, IndicatorQuery(period, "district"), threshold=0, today=TODAY)


def _freeze(monkeypatch, moment: datetime) -> None:
    clock.freeze(moment)


# (valid_from, valid_to, revoked_at, in force at the year's last instant)
WINDOWS = [
    (utc(2024, 2, 1), utc(2025, 2, 1), None, True),
    (utc(2023, 1, 1), utc(2024, 6, 1), None, False),                         # expired
    (utc(2024, 2, 1), utc(2025, 2, 1), utc(2024, 7, 1), False),              # revoked during the year
    (utc(2024, 2, 1), utc(2025, 2, 1), utc(2025, 1, 10), True),              # revoked later
    (utc(2025, 1, 5), utc(2026, 1, 5), None, False),                         # not yet valid
    (utc(2024, 1, 1), END_2024, None, True),                                 # expires as 2025 begins
    (END_2024 - timedelta(seconds=1), utc(2025, 12, 31), None, True),        # issued in the last second
    (END_2024, utc(2025, 12, 31), None, False),                              # issued as 2025 begins
    (utc(2023, 1, 1), END_2024 - timedelta(seconds=1), None, False),         # expired in the last second
    (utc(2024, 2, 1), utc(2025, 2, 1), END_2024, True),                      # revoked as 2025 begins
]


def test_signature_holders_count_accounts_with_a_certificate_in_force(db_session, people_2024):
    load_signature_catalogues(db_session, DATA)
    rng, holders, serial = random.Random(7), Counter(), 0
    for person in people_2024:
        if person.account_id is None:
            continue
        mine = rng.sample(WINDOWS, rng.choice([0, 1, 1, 2, 3]))
        for valid_from, valid_to, revoked_at, _ in mine:
            serial += 1
            db_session.add(Certificate(
                account_id=person.account_id, provider_code="VNPT-CA", counter_code=COUNTER_OF_2024,
                serial=f"{0x7E57_0000 + serial:X}", subject=f"CN=Metrics test {serial}", pem=PEM,
                valid_from=valid_from, valid_to=valid_to, revoked_at=revoked_at,
                revocation_reason="unspecified" if revoked_at else None, created_at=valid_from))
        if counted_account(person, LAST_DAY, END_2024) and any(in_force for *_, in_force in mine):
            holders[person.district_code] += 1
    db_session.flush()
    _, adults = expected_eid(people_2024, LAST_DAY, END_2024)
    assert all(holders[d] >= 3 for d in DISTRICTS)

    signature = cells(_indicators(db_session), "signature_holder_share")
    assert [(signature[d].numerator, signature[d].denominator) for d in DISTRICTS] == [
        (holders[d], adults[d]) for d in DISTRICTS]


def test_certificates_issued_revoked_and_renewed_by_the_signature_service(app, db_session, monkeypatch):
    """What the signature capability writes is what metrics read: issued, revoked, renewed, expired."""
    load_signature_catalogues(db_session, DATA)
    parts = app.extensions["runtime"]
    seeded = seed_people(db_session, [{"district_code": "007", "born": date(1980 + n, 3, 1),
                                       "created_at": utc(2023, 1, 1)} for n in range(5)])
    kept, revoked, renewed, expired, _without = [db_session.get(Account, p.account_id) for p in seeded]

    def issue(account: Account, at: datetime) -> Certificate:
        _freeze(monkeypatch, at)
        return certificate_service.issue(db_session, parts.authority, parts.vault, account,
                                         provider_code="VNPT-CA", counter_code=COUNTER_OF_2024)

    issue(kept, utc(2024, 3, 1))
    revocable = issue(revoked, utc(2024, 3, 1))
    old = issue(renewed, utc(2023, 12, 20))
    issue(expired, utc(2023, 6, 1))
    ctx = context_of(parts, db_session)
    owner = lambda account: replace(ctx, caller=Principal(kind="account", account_id=account.id,  # noqa: E731
                                                          roles=("citizen",)))
    _freeze(monkeypatch, utc(2024, 8, 1))
    certificate_service.revoke(owner(revoked), revocable.serial, "key_compromise")
    _freeze(monkeypatch, utc(2024, 12, 5))
    new = certificate_service.renew(owner(renewed), parts.authority, parts.vault, old.serial)
    db_session.flush()
    assert old.revoked_at is not None and new.valid_to > END_2024  # the old one is superseded

    year = cells(_indicators(db_session), "signature_holder_share")["007"]
    assert year.numerator == 2  # kept, and renewed once although two of her certificates were valid in 2024
    quarter = cells(_indicators(db_session, "2024-Q2"), "signature_holder_share")["007"]
    assert quarter.numerator == 3  # kept, revoked (not yet), renewed (old certificate); expired on 2024-05-31


def test_ehr_share_counts_records_created_by_the_health_service(db_session, people_2024, monkeypatch):
    rng = random.Random(9)
    early = [p.resident_id for p in people_2024 if rng.random() < 0.5]
    late = [p.resident_id for p in people_2024 if p.resident_id not in early and rng.random() < 0.3]
    _freeze(monkeypatch, utc(2024, 3, 1))
    ensure_records(db_session, early)
    _freeze(monkeypatch, END_2024)  # the first instant of 2025
    ensure_records(db_session, late + early[:20])  # records that exist keep their creation time

    with_record = Counter(p.district_code for p in people_2024 if p.resident_id in set(early))
    residents = Counter(p.district_code for p in people_2024)
    health = cells(_indicators(db_session), "ehr_share")
    assert [(health[d].numerator, health[d].denominator) for d in DISTRICTS] == [
        (with_record[d], residents[d]) for d in DISTRICTS]
    everyone = Counter(p.district_code for p in people_2024 if p.resident_id in set(early + late))
    next_year = cells(_indicators(db_session, "2025-Q1"), "ehr_share")
    assert [next_year[d].numerator for d in DISTRICTS] == [everyone[d] for d in DISTRICTS]


# Moments around 2024 (Hanoi time): just before, its first instant, mid-year, its last second, 2025.
MOMENTS = [utc(2023, 12, 31, 16, 59), START_2024, utc(2024, 6, 1), END_2024 - timedelta(seconds=1), END_2024]


def _procedures(session) -> None:
    now = utc(2024, 1, 1)
    session.add_all(Procedure(code=code, name=code, agency_code="000.01.01.H26", online_level=level,
                              processing_days=5, fee=0, form_schema={"type": "object"}, search_text=code,
                              updated_at=now) for code, level in (("T-FULL", "full"), ("T-PART", "partial")))
    session.flush()


def _dossier(rng: random.Random, index: int, people, received: datetime | None) -> Dossier:
    """A dossier in a state its times agree with, its dates set by the dossier rules."""
    channel = "online" if received is None else rng.choice(["online", "online", "counter", "post"])
    owner = rng.choice([p for p in people if p.account_id] if channel == "online" else people)
    submitted = (received or rng.choice(MOMENTS)) - timedelta(hours=rng.choice([0, 30]) if channel == "online" else 0)
    dossier = Dossier(code=f"T-{index:05d}", procedure_code=rng.choice(["T-FULL", "T-PART"]),
                      agency_code="000.01.01.H26", owner_account_id=owner.account_id,
                      owner_resident_id=owner.resident_id, district_code=owner.district_code,
                      channel=channel, status="submitted", form={}, submitted_at=submitted,
                      due_at=deadlines.expected_due(submitted, 5), original_due_at=deadlines.expected_due(submitted, 5),
                      updated_at=submitted)
    if received is None:
        dossier.status = rng.choice(["submitted", "withdrawn"])
        return dossier
    deadlines.start_clock(dossier, 5, received)
    if rng.random() < 0.2:  # an extension with an apology: the statutory date stays
        dossier.due_at += timedelta(days=10)
    finished = rng.choice([m for m in MOMENTS if m >= received] + [received + timedelta(days=rng.uniform(1, 14)),
                                                                   received + timedelta(days=rng.uniform(1, 14)),
                                                                   None])
    if finished is None:
        dossier.status = rng.choice(["received", "processing", "supplement_requested", "withdrawn"])
    else:
        deadlines.finish(dossier, finished)
        dossier.status = rng.choice(["approved", "rejected", "returned"])
    return dossier


def test_dossier_indicators_by_receipt_and_decision(db_session, people_2024):
    rng = random.Random(8)
    _procedures(db_session)
    dossiers = [_dossier(rng, index, people_2024, rng.choice(MOMENTS + [None]))
                for index in range(400)]
    db_session.add_all(dossiers)
    db_session.flush()

    def within(moment):
        return moment is not None and START_2024 <= moment < END_2024

    received = [d for d in dossiers if within(d.received_at)]
    finished = [d for d in dossiers if within(d.finished_at)]
    by_unit = lambda rows: Counter(d.district_code for d in rows)  # noqa: E731
    expected = {
        "online_dossier_share": (by_unit(d for d in received if d.channel == "online"), by_unit(received)),
        "full_online_dossier_share": (by_unit(d for d in received if d.channel == "online"
                                              and d.procedure_code == "T-FULL"), by_unit(received)),
        "on_time_share": (by_unit(d for d in finished if d.finished_at <= d.original_due_at), by_unit(finished)),
    }
    assert all(0 < len(finished) and expected["on_time_share"][0][d] < expected["on_time_share"][1][d]
               for d in DISTRICTS)  # some late, some on time in each district
    values = _indicators(db_session)
    for code, (numerators, denominators) in expected.items():
        found = cells(values, code)
        assert [(found[d].numerator, found[d].denominator) for d in DISTRICTS] == [
            (numerators[d], denominators[d]) for d in DISTRICTS], code


def test_dossiers_moved_by_the_dossier_service_are_counted(app, db_session, monkeypatch):
    """Filed online or at the counter, received, decided on time or late, withdrawn."""
    load_procedures(db_session)
    ctx = context_of(app.extensions["runtime"], db_session)
    owners = seed_people(db_session, [{"district_code": "008", "born": date(1985, 1, 1 + n),
                                       "created_at": utc(2023, 1, 1)} for n in range(6)])
    agency = replace(ctx, caller=Principal(kind="agency_key", roles=("agency_system",), agency_code="000.01.01.H26"))

    def at(moment: datetime):
        _freeze(monkeypatch, moment)

    def counter(owner, when: datetime) -> str:  # business household registration, 3 working days
        at(when)
        return submission.register_received(agency, national_id=owner.national_id, full_name="Nguyễn Thị Mai",
                                            procedure_code=BUSINESS, channel="counter").code

    def online(owner, when: datetime) -> str:
        at(when)
        citizen = Principal(kind="account", account_id=owner.account_id, roles=("citizen",))
        return submission.submit_online(replace(ctx, caller=citizen), procedure_code=BUSINESS,
                                        form=BUSINESS_FORM).code

    def move(code: str, when: datetime, *states: str) -> None:
        at(when)
        for state in states:
            note = "Không đủ điều kiện" if state == "rejected" else None
            actions.transition(agency, code, to=state, note=note)

    on_time = counter(owners[0], utc(2024, 3, 4, 2))                 # Monday; due Thursday 17:00
    move(on_time, utc(2024, 3, 6, 3), "processing", "approved")
    late = counter(owners[1], utc(2024, 3, 4, 2))
    move(late, utc(2024, 3, 12, 3), "processing", "approved")
    rejected = online(owners[2], utc(2024, 5, 6, 2))
    move(rejected, utc(2024, 5, 6, 4), "received", "rejected")      # decided on time, as a refusal
    pending = online(owners[3], utc(2024, 12, 30, 2))
    move(pending, utc(2025, 1, 2, 2), "received")                   # received in 2025
    withdrawn = online(owners[4], utc(2024, 6, 3, 2))
    at(utc(2024, 6, 4, 2))
    actions.withdraw(replace(ctx, caller=Principal(kind="account", account_id=owners[4].account_id,
                                                   roles=("citizen",))), withdrawn)                               # never received
    open_ = counter(owners[5], utc(2024, 12, 30, 2))                 # received, not decided in 2024
    move(open_, utc(2025, 1, 3, 2), "processing", "approved")
    db_session.flush()

    year = {code: cells(_indicators(db_session), code)["008"]
            for code in ("online_dossier_share", "full_online_dossier_share", "on_time_share")}
    assert (year["online_dossier_share"].numerator, year["online_dossier_share"].denominator) == (1, 4)
    assert (year["full_online_dossier_share"].numerator, year["full_online_dossier_share"].denominator) == (1, 4)
    assert (year["on_time_share"].numerator, year["on_time_share"].denominator) == (2, 3)
    next_year = {code: cells(_indicators(db_session, "2025-Q1"), code)["008"]
                 for code in ("online_dossier_share", "on_time_share")}
    assert (next_year["online_dossier_share"].numerator, next_year["online_dossier_share"].denominator) == (1, 1)
    assert (next_year["on_time_share"].numerator, next_year["on_time_share"].denominator) == (1, 1)
