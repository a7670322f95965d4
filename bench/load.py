"""A realistic mix through gunicorn against PostgreSQL and Redis, with a city's volumes loaded.

    python -m bench.load --database-url postgresql://postgres@127.0.0.1:5432/ihanoi_load_bench \
        --redis-url redis://127.0.0.1:6390/0 [--residents 1000000] [--dossiers 1000000] \
        [--health-records 20000] [--rates 50,100,150] [--seconds 30] [--clients 64] [--workers 4]
        [--sign-in-percent 1]

Loads (once; a rerun reuses the rows) a million dossiers and residents with COPY (bench.dossiers),
health records through the bulk import (bench.health_summary), gives bench citizens accounts
and tokens, then serves wsgi:app with gunicorn on 127.0.0.1 and, for each rate in turn, sends
for `--seconds`:
  40%  GET /api/v1/me/health/summary           a citizen's health summary        } the reads share
  40%  GET /api/v1/me/dossiers                 a citizen's dossier list          } what is left
  19%  POST /api/v1/agency/dossiers/{code}/transitions   agency systems moving dossiers on: each
                                               fresh dossier, filed at a 2025 service centre, is
                                               received by the centre's key, then processed and
                                               approved by the deciding committee's, and handed
                                               back (returned) by the centre's
   1%  POST /api/v1/auth/token                 a citizen signing in (--sign-in-percent; argon2 at the
                                               production cost: ~170 ms on both cores; rare, as phones
                                               refresh their tokens instead)
Every citizen request is counted as a use in Redis (usage counting stays on). Prints JSON per
rate: throughput, p50/p95/p99 per endpoint, errors; and the highest rate with zero errors and
p99 of citizen reads under 50 ms. Use a scratch database: the bench adds its rows there.

An answer other than the endpoint's success, a 503 or a 429 (overload: the rate is too high)
is unexpected: the bench itself is wrong (a 404, 403 or 409 means the mix asks for something
the app refuses), so it is listed under `unexpected` and the bench exits with status 1 after
printing its JSON.
"""
from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import redis  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from api import create_app  # noqa: E402
from bench import dossiers as dossier_bench  # noqa: E402
from bench import health_summary  # noqa: E402
from bench.harness import ROOT, gunicorn  # noqa: E402
from bench.http_load import Call, drive, report  # noqa: E402
from migrations.runner import upgrade  # noqa: E402
from models.dossiers import Dossier  # noqa: E402
from models.identity import Account  # noqa: E402
from models.reference import Resident  # noqa: E402
from services.demo.population import national_id_for  # noqa: E402
from services.reference import units  # noqa: E402

TRANSITION_PERCENT = 19


def mix_of(sign_in_percent: float) -> tuple[tuple[str, float], ...]:
    """Citizen reads share what transitions and sign-ins leave, half and half."""
    reads = (100 - TRANSITION_PERCENT - sign_in_percent) / 2
    return (("health_summary", reads), ("dossier_list", reads), ("transition", TRANSITION_PERCENT),
            ("sign_in", sign_in_percent))

CITIZEN_READS = ("health_summary", "dossier_list")
# The steps of a fresh dossier and which agency's key takes each (bench.dossiers.PATH).
MOVES = dossier_bench.PATH
SUCCESS = {"health_summary": 200, "dossier_list": 200, "transition": 200, "sign_in": 200}
OVERLOAD = frozenset({429, 503})  # too many requests, not a wrong one
PASSWORD = "Bench@2024 only"
SIGN_IN_ACCOUNTS = 50
P99_BAR_MS = 50


def ensure_residents(app, wanted: int) -> None:
    """Top the registry up to `wanted` residents with more bench residents (COPY)."""
    rt = app.extensions["runtime"]
    born = date(1981, 1, 1)  # bench.dossiers' owners are born in 1980: other numbers
    with rt.sessions() as session:
        have = session.scalar(select(func.count()).select_from(Resident))
        topped = session.scalar(select(func.count()).select_from(Resident).where(Resident.date_of_birth == born))
        districts = sorted(units.unit_codes(session))
    if have >= wanted:
        return
    now = datetime.now(timezone.utc)
    dossier_bench._copy(rt.engine, "residents", ["national_id", "full_name", "date_of_birth", "sex",
                                                 "district_code", "updated_at"],
                        ((national_id_for(born, "male", i, dossier_bench.PROVINCE), f"Cư dân {i}", born, "male",
                          districts[i % len(districts)], now) for i in range(topped, topped + wanted - have)))


def sign_in_ids(app, owners: int) -> list[str]:
    """ID numbers of bench citizens who sign in with PASSWORD (hashed at the production cost)."""
    rt = app.extensions["runtime"]
    with rt.sessions() as session, session.begin():
        ids = list(session.scalars(select(Account.national_id).where(
            Account.national_id.like(f"{dossier_bench.PROVINCE}%")).order_by(Account.national_id).limit(owners)))
        session.execute(update(Account).where(Account.national_id.in_(ids))
                        .values(password_hash=rt.passwords.hash(PASSWORD)))
    return ids


def prepare(args, workdir: str) -> dict:
    upgrade(args.database_url)
    app = create_app({"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "LOG_LEVEL": "ERROR",
                      "AUTH_RATE_LIMIT": "1000000 per minute"})
    rt = app.extensions["runtime"]
    started = time.perf_counter()
    with app.app_context():
        with rt.sessions() as session, session.begin():
            dossier_bench._reference(session)
        dossier_bench.load_million(app, args.dossiers)
        health_summary.ensure_observations(args.database_url, args.health_records * 7, workdir)
        ensure_residents(app, args.residents)
        owners = dossier_bench._signed_in_owners(app)
        readers = [f"Bearer {t}" for t in health_summary.tokens_for(app, 200)]
        signers = sign_in_ids(app, SIGN_IN_ACCOUNTS)
        keys = dossier_bench.agency_keys(app)
        moves_needed = int(sum(args.rates) * args.seconds * 0.2) + 200
        fresh = dossier_bench._fresh_dossiers(app, owners, moves_needed // len(MOVES) + 1)
        with rt.sessions() as session:
            counts = {"residents": session.scalar(select(func.count()).select_from(Resident)),
                      "dossiers": session.scalar(select(func.count()).select_from(Dossier)),
                      "accounts": session.scalar(select(func.count()).select_from(Account))}
    rt.engine.dispose()
    return {"owners": [h["Authorization"] for h in owners], "readers": readers, "signers": signers,
            "agency_keys": keys, "fresh": fresh, "counts": counts, "setup_seconds": round(time.perf_counter() - started)}


class Mix:
    """Picks the next request; each fresh dossier is moved one step at a time, never two at once."""

    def __init__(self, world: dict, mix: tuple[tuple[str, float], ...], seed: int = 2024) -> None:
        self.rng, self.world = random.Random(seed), world
        self.ready = collections.deque((code, 0) for code in world["fresh"])
        self.names, self.weights = zip(*mix)
        self.queries = itertools.cycle(("?limit=20", "?limit=5", "?status=processing"))

    def __call__(self) -> Call:
        name = self.rng.choices(self.names, self.weights)[0]
        if name == "transition" and self.ready:
            return self._move(*self.ready.popleft())
        if name == "sign_in":
            return Call("sign_in", "POST", "/api/v1/auth/token", json_body={
                "national_id": self.rng.choice(self.world["signers"]), "password": PASSWORD, "device_name": "bench"})
        if name == "health_summary":
            return Call(name, "GET", "/api/v1/me/health/summary",
                        {"Authorization": self.rng.choice(self.world["readers"])})
        return Call("dossier_list", "GET", f"/api/v1/me/dossiers{next(self.queries)}",
                    {"Authorization": self.rng.choice(self.world["owners"])})

    def _move(self, code: str, step: int) -> Call:
        to, agency = MOVES[step]

        def done(status, _body) -> None:
            if status == 200 and step + 1 < len(MOVES):
                self.ready.append((code, step + 1))

        return Call("transition", "POST", f"/api/v1/agency/dossiers/{code}/transitions",
                    {"Authorization": self.world["agency_keys"][agency]}, {"to": to, "note": "bench"}, done)


def unexpected(run: dict) -> dict[str, int]:
    """Answers of a run that are neither the endpoint's success nor overload, by endpoint and status."""
    return {f"{endpoint} {status}": count for (endpoint, status), count in sorted(run["statuses"].items())
            if status is not None and status != SUCCESS[endpoint] and status not in OVERLOAD}


def usage_counted(redis_url: str) -> int:
    kv = redis.Redis.from_url(redis_url, decode_responses=True)
    return sum(int(kv.get(key) or 0) for key in kv.scan_iter("usage:req:*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--health-records", type=int, default=20_000)
    parser.add_argument("--rates", default="50,100,150", help="requests per second, one run each")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=64, help="most requests in flight at once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 per core)")
    parser.add_argument("--sign-in-percent", type=float, default=1.0,
                        help="share of sign-ins (argon2 takes ~170 ms of both cores each)")
    args = parser.parse_args()
    args.rates = [float(r) for r in args.rates.split(",")]
    if not (args.database_url or "").startswith("postgresql") or not args.redis_url:
        sys.exit("give --database-url (a scratch PostgreSQL database) and --redis-url")
    instance = os.path.join(ROOT, "instance", "bench-load")  # the same keys on every rerun
    os.environ["INSTANCE_PATH"] = instance
    with tempfile.TemporaryDirectory() as workdir:
        world = prepare(args, workdir)
    env = {"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "INSTANCE_PATH": instance,
           "APP_ENV": "development", "LOG_LEVEL": "INFO", "AUTH_RATE_LIMIT": "1000000 per minute"}
    mix, runs = Mix(world, mix_of(args.sign_in_percent)), []
    load_before = os.getloadavg()
    counted_before = usage_counted(args.redis_url)
    with gunicorn("wsgi:app", env, args.workers) as base:
        drive(base, rate=args.rates[0], seconds=5, clients=args.clients, next_call=mix)  # warm-up
        for rate in args.rates:
            runs.append(report(drive(base, rate=rate, seconds=args.seconds, clients=args.clients, next_call=mix),
                               rate, CITIZEN_READS))
            time.sleep(2)
    for run in runs:
        run["unexpected"] = unexpected(run)
        run["statuses"] = {f"{endpoint} {status}": count for (endpoint, status), count in sorted(
            run["statuses"].items(), key=lambda item: (item[0][0], item[0][1] or 0))}
    passing = [r for r in runs if r["errors"] == 0 and r["citizen_reads"].get("p99_ms", 1e9) < P99_BAR_MS
               and r["throughput_rps"] >= 0.95 * r["target_rate"]]
    wrong = {f"{r['target_rate']:g} req/s": r["unexpected"] for r in runs if r["unexpected"]}
    print(json.dumps({
        "machine": {"cpus": os.cpu_count(), "gunicorn_workers": args.workers, "clients": args.clients,
                    "load_average_before_and_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)]},
        "loaded": world["counts"], "setup_seconds": world["setup_seconds"],
        "mix_percent": dict(mix_of(args.sign_in_percent)), "runs": runs,
        "usage_counted_in_redis": usage_counted(args.redis_url) - counted_before,
        "unexpected": wrong,
        "highest_rate_with_zero_errors_and_citizen_p99_under_50ms": max(
            (r["target_rate"] for r in passing), default=None),
    }, indent=2))
    if wrong:
        sys.exit(f"bench.load: unexpected answers (the mix is wrong, not the rate): {json.dumps(wrong)}")


if __name__ == "__main__":
    main()
