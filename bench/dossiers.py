"""Dossier benchmark: agency transitions per second, and p99 of GET /api/v1/me/dossiers with a
million dossiers in the database. Prints one JSON report.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ihanoi_bench [REDIS_URL=redis://...] \
        python -m bench.dossiers [--dossiers 1000000] [--requests 3000] [--transitions 3000] [--cleanup]

The million rows are bulk-loaded once with COPY (rerunning reuses them); bench rows are the
residents of province code 099 and their dossiers, removed with --cleanup.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, func, select, text

from api import create_app
from migrations.runner import upgrade
from models.dossiers import Dossier, DossierEvent, DossierStatus, Procedure
from models.identity import Account, AgencyApiKey
from models.reference import Resident
from services.demo.dossiers import load_catalogue
from services.demo.population import national_id_for
from services.demo.reference import seed_reference_data
from services.identity.agency_keys import create_agency_key
from services.reference import units

PROVINCE = "099"          # bench residents only; no real province has this code
PER_OWNER = 10
SIGNED_IN = 300           # owners with an account and a token, for the list requests
AGENCY = "UBND-00004"  # UBND phường Ba Đình: district committees ended on 30 June 2025
CENTRE = "TTPV-00004"  # its service centre: it receives what citizens file there (Decree 118/2025)
PROCEDURE = "2.000720"
FORM = {"business_name": "Bench", "address": "1 Bench", "lines_of_business": ["x"], "capital_vnd": 1}


def _reference(session) -> None:
    seed_reference_data(session)
    load_catalogue(session)


def _bench_residents(session):
    return select(Resident.id).where(Resident.national_id.like(f"{PROVINCE}%"))


def _copy(engine, table: str, columns: list[str], rows) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def load_million(app, total: int) -> float:
    """Bulk-load `total` dossiers over total/PER_OWNER bench residents; seconds taken (0 if present)."""
    rt = app.extensions["runtime"]
    with rt.sessions() as session:
        have = session.scalar(select(func.count()).select_from(Dossier).where(
            Dossier.owner_resident_id.in_(_bench_residents(session))))
        have_residents = session.scalar(select(func.count()).select_from(_bench_residents(session).subquery()))
        districts = sorted(units.unit_codes(session))
        procedures = list(session.execute(select(Procedure.code, Procedure.agency_code, Procedure.processing_days)))
    if have >= total:
        return 0.0
    started, rng, now = time.perf_counter(), random.Random(2024), datetime.now(timezone.utc)
    owners = total // PER_OWNER
    born = date(1980, 1, 1)
    _copy(rt.engine, "residents", ["national_id", "full_name", "date_of_birth", "sex", "district_code", "updated_at"],
          ((national_id_for(born, "female", i, PROVINCE), f"Cư dân {i}", born, "female",
            districts[i % len(districts)], now) for i in range(have_residents, owners)))
    with rt.sessions() as session:
        ids = list(session.execute(select(Resident.id, Resident.district_code).where(
            Resident.national_id.like(f"{PROVINCE}%")).order_by(Resident.id)))
    states = [state.value for state in DossierStatus]
    weights = [30, 25, 20, 5, 8, 4, 6, 2, 3]  # per state in DossierStatus order: most dossiers are active or done

    def rows():
        for n in range(have, total):  # a smaller earlier run is topped up
            resident_id, district = ids[n % len(ids)]
            code, agency, days = procedures[n % len(procedures)]
            submitted = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            status = rng.choices(states, weights)[0]
            due = submitted + timedelta(days=days * 7 / 5)
            finished = due - timedelta(hours=rng.randrange(-48, 96)) if status in ("approved", "rejected",
                                                                                   "returned") else None
            yield (f"{agency}-B{n:08d}", code, agency, resident_id, district,
                   rng.choice(("online", "online", "counter")), status, "{}", submitted,
                   None if status == "submitted" else submitted, due, due, finished,
                   None if finished is None else finished <= due, submitted)

    _copy(rt.engine, "dossiers", ["code", "procedure_code", "agency_code", "owner_resident_id", "district_code",
                                  "channel", "status", "form", "submitted_at", "received_at", "due_at",
                                  "original_due_at", "finished_at", "on_time", "updated_at"], rows())
    with rt.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE residents, dossiers"))
    return time.perf_counter() - started


def _signed_in_owners(app) -> list[dict[str, str]]:
    """Accounts (with a token) for the first SIGNED_IN bench residents."""
    rt, headers = app.extensions["runtime"], []
    with rt.sessions() as session:
        residents = session.scalars(select(Resident).where(Resident.national_id.like(f"{PROVINCE}%"))
                                    .order_by(Resident.id).limit(SIGNED_IN)).all()
        for resident in residents:
            account = session.scalar(select(Account).where(Account.national_id_hash == rt.id_hasher(resident.national_id)))
            if account is None:
                account = Account(national_id_hash=rt.id_hasher(resident.national_id), national_id=resident.national_id,
                                  full_name=resident.full_name, date_of_birth=resident.date_of_birth, sex=resident.sex,
                                  district_code=resident.district_code, password_hash="!", role="citizen",
                                  assurance_level=2, status="active", created_at=datetime.now(timezone.utc))
                session.add(account)
                session.flush()
            pair = rt.sign_in.open_session(session, account, "bench")
            headers.append({"Authorization": f"Bearer {pair.access_token}"})
        session.commit()
    return headers


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"p50_ms": round(pick(0.50), 2), "p95_ms": round(pick(0.95), 2), "p99_ms": round(pick(0.99), 2),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 2)}


def bench_list(app, owners: list[dict[str, str]], requests: int) -> dict:
    """Each request in its own app context (see _fresh_dossiers), so each is answered as its caller."""
    client, rng, samples, second_pages = app.test_client(), random.Random(7), [], []

    def get(path: str, headers: dict[str, str]):
        with app.app_context():
            return client.get(path, headers=headers)

    for _ in range(20):  # warm caches
        get("/api/v1/me/dossiers", owners[0])
    for n in range(requests):
        headers = owners[rng.randrange(len(owners))]
        query = "?limit=5" if n % 3 == 0 else ("?status=processing" if n % 3 == 1 else "")
        started = time.perf_counter()
        answer = get(f"/api/v1/me/dossiers{query}", headers)
        samples.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.json
        if n % 3 == 0 and answer.json["next_cursor"]:
            started = time.perf_counter()
            get(f"/api/v1/me/dossiers?limit=5&cursor={answer.json['next_cursor']}", headers)
            second_pages.append(time.perf_counter() - started)
    return {"requests": requests, **_percentiles(samples), "next_page": _percentiles(second_pages)}


def _fresh_dossiers(app, owners, count: int) -> list[str]:
    """`count` dossiers filed online at CENTRE (decided by AGENCY), as citizens file them since 2025.

    Each request gets its own app context: under a caller's app context the test client would
    share one `g` (and the first request's session) between requests, and every filing after
    the first would answer 201 without being committed."""
    client = app.test_client()
    codes = []
    for i in range(count):
        with app.app_context():
            answer = client.post("/api/v1/dossiers", headers=owners[i % len(owners)],
                                 json={"procedure_code": PROCEDURE, "form": FORM, "receiving_centre_code": CENTRE})
        if answer.status_code != 201:
            raise RuntimeError(f"filing a bench dossier answered {answer.status_code}: {answer.json}")
        codes.append(answer.json["code"])
    return codes


def agency_keys(app) -> dict[str, str]:
    """An API key of the receiving centre and one of the deciding committee, as Authorization values."""
    rt = app.extensions["runtime"]
    with rt.sessions() as session, session.begin():
        return {agency: f"ApiKey {create_agency_key(session, agency)}" for agency in (CENTRE, AGENCY)}


# Each step of a fresh dossier and who takes it: the centre receives it (the committee does not
# see it before), the committee decides it, the centre hands the result back.
PATH = (("received", CENTRE), ("processing", AGENCY), ("approved", AGENCY), ("returned", CENTRE))


def bench_transitions(app, owners, keys: dict[str, str], moves: int, threads: int) -> dict:
    """Each worker walks its own dossiers through received → processing → approved → returned."""
    codes = _fresh_dossiers(app, owners, moves // len(PATH))
    chunks = [codes[i::threads] for i in range(threads)]
    done, failures = [0] * threads, [[] for _ in range(threads)]

    def worker(index: int) -> None:
        client = app.test_client()
        for code in chunks[index]:
            for to, agency in PATH:
                with app.app_context():
                    answer = client.post(f"/api/v1/agency/dossiers/{code}/transitions",
                                         headers={"Authorization": keys[agency]}, json={"to": to, "note": "bench"})
                done[index] += answer.status_code == 200
                if answer.status_code != 200:
                    failures[index].append(f"{to}: {answer.status_code} {(answer.json or {}).get('code')}")

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    failed = [f for chunk in failures for f in chunk]
    return {"threads": threads, "transitions": sum(done), "failed": len(failed), "failures": failed[:5],
            "seconds": round(elapsed, 2), "per_second": round(sum(done) / elapsed, 1)}


def cleanup(app) -> None:
    rt = app.extensions["runtime"]
    with rt.sessions() as session, session.begin():
        owners = _bench_residents(session)
        dossiers = select(Dossier.id).where(Dossier.owner_resident_id.in_(owners))
        session.execute(delete(DossierEvent).where(DossierEvent.dossier_id.in_(dossiers)))
        session.execute(text("DELETE FROM notifications WHERE account_id IN (SELECT id FROM accounts "
                             "WHERE national_id LIKE :p)"), {"p": f"{PROVINCE}%"})
        session.execute(delete(Dossier).where(Dossier.owner_resident_id.in_(owners)))
        session.execute(text("DELETE FROM refresh_tokens WHERE session_id IN (SELECT s.id FROM auth_sessions s "
                             "JOIN accounts a ON a.id = s.account_id WHERE a.national_id LIKE :p)"), {"p": f"{PROVINCE}%"})
        session.execute(text("DELETE FROM auth_sessions WHERE account_id IN (SELECT id FROM accounts "
                             "WHERE national_id LIKE :p)"), {"p": f"{PROVINCE}%"})
        session.execute(text("DELETE FROM idempotency_records WHERE caller LIKE 'agency:%'"))
        session.execute(delete(Account).where(Account.national_id.like(f"{PROVINCE}%")))
        session.execute(delete(Resident).where(Resident.national_id.like(f"{PROVINCE}%")))
        session.execute(delete(AgencyApiKey).where(AgencyApiKey.agency_code.in_((AGENCY, CENTRE)),
                                                   AgencyApiKey.created_at >= BENCH_START))


BENCH_START = datetime.now(timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--transitions", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--cleanup", action="store_true", help="remove the bench rows afterwards")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (the bench bulk-loads with COPY)")
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "REDIS_URL": os.environ.get("REDIS_URL") or None,
                      "LOG_LEVEL": "ERROR", "DB_POOL_SIZE": args.threads + 2,
                      "AUTH_RATE_LIMIT": "1000000 per minute"})
    rt = app.extensions["runtime"]
    with app.app_context():
        with rt.sessions() as session, session.begin():
            _reference(session)
        load_seconds = load_million(app, args.dossiers)
        owners = _signed_in_owners(app)
        keys = agency_keys(app)
        with rt.sessions() as session:
            in_db = session.scalar(select(func.count()).select_from(Dossier))
        report = {
            "database": rt.engine.dialect.name, "dossiers_in_database": in_db,
            "bulk_load_seconds": round(load_seconds, 1),
            "me_dossiers": bench_list(app, owners, args.requests),
            "transitions_sequential": bench_transitions(app, owners, keys, args.transitions // 2, 1),
            "transitions_concurrent": bench_transitions(app, owners, keys, args.transitions, args.threads),
        }
        if args.cleanup:
            cleanup(app)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
