"""Adoption metrics at city scale, printed as JSON.

    DATABASE_URL=postgresql://... REDIS_URL=redis://127.0.0.1:6379/12 \
        python -m bench.metrics [--accounts 1000000] [--events 10000000] [--redis-events 300000]

What it seeds (rows it adds are removed at the end unless --keep):
- accounts: one million citizen accounts over 1.2 million residents, by SQL generate_series
  (their ID numbers start with 9, so they never meet real ones);
- what the other indicators read: a certificate for every third account (some revoked, all
  issued 2023-2025 for a year), a health record for four residents in five, and
  `--dossiers` dossiers (default one million) received from 2023 to mid-2025 over the 13
  procedures of the catalogue, online / counter / post, nine in ten decided, some late;
- units: Hanoi's 126 wards and communes of 2025 (from `vietnam-provinces`, valid from
  2025-07-01; the districts closed on 2025-06-30), every bench resident living in one of them;
- usage: 10 million events of a year over the 126 units, folded - straight into
  usage_daily / usage_monthly_active as the rollup leaves them (126 units x 366 days x 5
  features = 230,580 rows whose requests add up to the events). The tables hold counts, not
  events, so what reads them costs the same for 10 thousand or 10 billion events; pushing
  10 million events through Redis would only time Redis. The counting path itself is timed
  per request below, and `--redis-events` events go through the same Redis keys (in large
  pipelines) to time a rollup over a full retention window.

What it measures:
- count_us: the per-request cost of counting, as GET /api/v1/me with counting on minus the
  same with counting off (one app, METRICS_USAGE_COUNTING switched between alternating
  rounds, in-process Flask client, medians), and the hook's own Redis round trip
  (UsageCounter.count) alone - the steadier figure on a noisy machine;
- rollup_s: one `metrics rollup` over the retention window;
- snapshot_s: `metrics snapshot --year` for 2024 and 2025 (24 month ends, the stocks closed
  periods read);
- indicators_ms: GET /api/v1/metrics/indicators for 2025-Q3 on the 126 units (the whole
  year 2025 is counted and protected for it: the first answer reads the snapshots and counts
  the dossiers of each month, then decides suppression; later ones read the year's kept
  counts), 2024 on the districts, 2024 re-expressed on the 2025 units, and the yearly export
  as CSV;
- count_ms: each grouped count query of 2024 alone (where the time goes).
The Redis database given is flushed at the start and the end: give it a spare one. The
JSON is printed before the clean-up; deleting a million accounts row by row (foreign-key
checks) takes many minutes, so on a scratch database pass --keep and drop it instead.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta

from sqlalchemy import text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FEATURES = ("identity", "health", "signature", "dossier", "notification")
FEATURE_WEIGHT = (0.45, 0.1, 0.03, 0.12, 0.3)


def _seed_people(connection, accounts: int) -> None:
    residents = int(accounts * 1.2)
    connection.execute(text("""
        INSERT INTO residents (national_id, full_name, date_of_birth, sex, district_code, updated_at)
        SELECT '9' || lpad(i::text, 11, '0'), 'Bench ' || i, date '1940-01-01' + (i::bigint * 7919 % 30000)::int,
               CASE WHEN i % 2 = 0 THEN 'male' ELSE 'female' END,
               (SELECT array_agg(code ORDER BY code) FROM administrative_units
                WHERE level = 'commune' AND valid_from = date '2025-07-01')[1 + i % 126],
               now()
        FROM generate_series(1, :n) AS i ON CONFLICT (national_id) DO NOTHING"""), {"n": residents})
    connection.execute(text("""
        INSERT INTO accounts (id, national_id_hash, national_id, full_name, date_of_birth, sex, district_code,
                              password_hash, role, assurance_level, status, created_at)
        SELECT gen_random_uuid(), md5(r.national_id) || md5('x' || r.national_id), r.national_id, r.full_name,
               r.date_of_birth, r.sex, r.district_code, '!', 'citizen', 1, 'active',
               timestamptz '2023-01-01 00:00+00' + (r.id % 700) * interval '1 day'
        FROM residents r WHERE r.national_id LIKE '9%' AND r.date_of_birth <= date '2010-12-31'
        ORDER BY r.id LIMIT :n ON CONFLICT (national_id_hash) DO NOTHING"""), {"n": accounts})


BENCH_RESIDENTS = "SELECT id FROM residents WHERE national_id LIKE '9%'"
BENCH_ACCOUNTS = "SELECT id FROM accounts WHERE national_id LIKE '9%'"
EPOCH = "timestamptz '2023-01-01 00:00+00'"


def _seed_capabilities(connection, dossiers: int) -> None:
    """Certificates, health records and dossiers of the bench people, set-based."""
    connection.execute(text(f"""
        INSERT INTO certificates (account_id, provider_code, counter_code, serial, subject, pem, valid_from,
                                  valid_to, revoked_at, revocation_reason, created_at)
        SELECT id, 'VNPT-CA', 'MC-P-BADINH', 'BE' || lpad(to_hex(n), 14, '0'), 'CN=Bench ' || n, 'bench',
               {EPOCH} + (n % 900) * interval '1 day', {EPOCH} + (n % 900 + 365) * interval '1 day',
               CASE WHEN n % 20 = 0 THEN {EPOCH} + (n % 900 + 100) * interval '1 day' END,
               CASE WHEN n % 20 = 0 THEN 'key_compromise' END, {EPOCH} + (n % 900) * interval '1 day'
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts WHERE national_id LIKE '9%') a
        WHERE n % 3 = 0 ON CONFLICT (serial) DO NOTHING"""))
    connection.execute(text(f"""
        INSERT INTO health_records (resident_id, created_at)
        SELECT id, {EPOCH} - interval '180 days' + (id % 900) * interval '1 day' FROM residents
        WHERE national_id LIKE '9%' AND id % 5 <> 0 ON CONFLICT (resident_id) DO NOTHING"""))
    low, count = connection.execute(text(
        "SELECT min(id), count(*) FROM residents WHERE national_id LIKE '9%'")).one()
    # received over 2.5 years; due after 7 days; decided after 0..8 days (late after 7), 1 in 10 open.
    connection.execute(text(f"""
        INSERT INTO dossiers (code, procedure_code, agency_code, owner_account_id, owner_resident_id,
                              district_code, channel, status, form, submitted_at, received_at, due_at,
                              original_due_at, finished_at, on_time, updated_at)
        SELECT 'BENCH-' || n, p.code, p.agency_code, a.id, r.id, r.district_code,
               CASE WHEN n % 10 < 6 THEN 'online' WHEN n % 10 < 9 THEN 'counter' ELSE 'post' END,
               CASE WHEN n % 10 = 0 THEN 'processing' ELSE 'approved' END, '{{}}', t, t,
               t + interval '7 days', t + interval '7 days',
               CASE WHEN n % 10 <> 0 THEN t + (n % 9) * interval '1 day' END,
               CASE WHEN n % 10 <> 0 THEN n % 9 <= 7 END, t
        FROM generate_series(1, :n) AS n
        CROSS JOIN LATERAL (SELECT {EPOCH} + (n::bigint * 7919 % (910 * 1440)) * interval '1 minute' AS t) AS at
        JOIN procedures p ON p.code = (SELECT array_agg(code ORDER BY code) FROM procedures)[1 + n % 13]
        JOIN residents r ON r.id = :low + (n::bigint * 104729 % :count)
        LEFT JOIN accounts a ON a.national_id = r.national_id
        ON CONFLICT (code) DO NOTHING"""), {"n": dossiers, "low": low, "count": count})


def _seed_units_2025(ctx) -> None:
    """Hanoi's unit timeline as `flask units sync` loads it: the 126 units of 2025 from
    2025-07-01, the districts and their wards closed on 2025-06-30."""
    from services.reference.unit_sync import sync_hanoi

    sync_hanoi(ctx)


def _count_timings(session) -> dict:
    """Each grouped count query of 2024 on its own, in milliseconds."""
    from services.metrics import sources
    from services.metrics.periods import parse_period

    period, timings = parse_period("2024"), {}
    queries = {count.query for formula in sources.FORMULAS.values()
               for count in (formula.numerator, formula.denominator)}
    for query in sorted(queries, key=lambda q: q.__name__):
        started = time.perf_counter()
        query(session, period, date(2026, 1, 1))
        timings[query.__name__] = round((time.perf_counter() - started) * 1e3, 1)
    return timings


def _seed_usage(session, units: list[str], events: int, rng: random.Random) -> None:
    from models.metrics import UsageDaily, UsageMonthlyActive
    from services.bulk import upsert

    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(366)]
    cells = [(day, unit, feature) for day in days for unit in units for feature in FEATURES]
    weights = [rng.uniform(0.5, 1.5) * FEATURE_WEIGHT[FEATURES.index(f)] for _, _, f in cells]
    scale = events / sum(weights)
    requests = [int(w * scale) for w in weights]
    requests[0] += events - sum(requests)  # exactly `events`
    rows = [{"day": d, "unit_code": u, "feature": f, "requests": n, "active_users": max(1, n // 3),
             "redis_epoch": "bench", "requests_base": 0, "active_users_base": 0}
            for (d, u, f), n in zip(cells, requests)]
    for start in range(0, len(rows), 10_000):
        upsert(session, UsageDaily.__table__, rows[start:start + 10_000], key=["day", "unit_code", "feature"])
    monthly = [{"month": date(2024, m, 1), "unit_code": u, "feature": "any",
                "active_users": rng.randint(5_000, 15_000), "redis_epoch": "bench", "active_users_base": 0}
               for m in range(1, 13) for u in [*units, "01"]]
    upsert(session, UsageMonthlyActive.__table__, monthly, key=["month", "unit_code", "feature"])


def _push_events(kv, units: list[str], events: int, retention: int, rng: random.Random) -> None:
    """The hot path's commands (same keys), pipelined 10,000 at a time, then the first-hit indexing."""
    from services.metrics import usage
    from services.metrics.periods import local_today

    counter = usage.UsageCounter(kv, retention)
    today = local_today()
    days = [today - timedelta(days=back) for back in range(retention + 1)]
    people = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(200_000)]
    seen = set()
    pipe = kv.pipeline(transaction=False)
    for index in range(events):
        day, unit, feature = rng.choice(days), rng.choice(units), rng.choice(FEATURES)
        person = rng.choice(people)
        pipe.incr(usage.requests_key(day, unit, feature))
        pipe.pfadd(usage.daily_users_key(day, unit, feature), person)
        pipe.pfadd(usage.monthly_users_key(day, unit, feature), person)
        pipe.pfadd(usage.monthly_users_key(day, unit, usage.ANY_FEATURE), person)
        seen.add((day, unit, feature))
        if index % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()
    for day, unit, feature in seen:
        counter.index(day, unit, feature)


def _median_us(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1e6, 1)


def _counting_cost(app, token: str, rounds: int, per_round: int) -> dict:
    """The same app and endpoint, counting switched on and off between alternating rounds."""
    from dataclasses import replace

    from services.clock import clock

    rt = app.extensions["runtime"]
    settings = rt.settings
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    timings: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(300):  # warm-up: caches, connections
        client.get("/api/v1/me", headers=headers)
    for _ in range(rounds):
        for counting in (True, False):
            rt.settings = replace(settings, metrics_usage_counting=counting)
            started = time.perf_counter()
            for _ in range(per_round):
                client.get("/api/v1/me", headers=headers)
            timings[counting].append((time.perf_counter() - started) / per_round)
    rt.settings = settings
    counter, alone = rt.usage, []
    for _ in range(3000):
        started = time.perf_counter()
        counter.count(uuid.uuid4(), "001", "identity", clock.now())
        alone.append(time.perf_counter() - started)
    on, off = _median_us(timings[True]), _median_us(timings[False])
    return {"get_me_counting_us": on, "get_me_not_counting_us": off,
            "count_us": round(on - off, 1), "hook_redis_round_trip_us": _median_us(alone)}


def _latency(client, url: str, headers: dict, runs: int) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return {"median_ms": round(statistics.median(times) * 1e3, 1), "max_ms": round(max(times) * 1e3, 1)}


def _snapshots(rt) -> dict:
    """`metrics snapshot --year` for 2024 and 2025: the month ends closed periods read (a rerun takes nothing)."""
    from services.metrics import snapshots
    from services.metrics.periods import local_today

    today, started, rows = local_today(), time.perf_counter(), 0
    for year in (2024, 2025):
        for day in snapshots.month_ends(year, today):
            with rt.sessions() as session, session.begin():
                rows += snapshots.take(session, rt.kv, day, today).rows
    return {"snapshot_s": round(time.perf_counter() - started, 1), "snapshot_rows": rows}


def _indicator_latencies(client, headers: dict, runs: int) -> dict:
    """The first answer of a year counts its closed periods (from the snapshots) and decides
    suppression; the next ones read the kept counts (services/metrics/year_counts.py)."""
    base = "/api/v1/metrics/indicators?period=2024"
    q3 = "/api/v1/metrics/indicators?period=2025-Q3&level=commune"
    found = {"indicators_district_first_ms": _latency(client, base + "&level=district", headers, 1)}
    found["indicators_district_ms"] = _latency(client, base + "&level=district", headers, runs)
    found["indicators_commune_first_ms"] = _latency(client, q3, headers, 1)  # suppression decided
    found["indicators_commune_ms"] = _latency(client, q3, headers, runs)
    found["indicators_2024_on_2025_units_ms"] = _latency(client, base + "&units=2025", headers, runs)
    found["yearly_export_csv_ms"] = {
        "city": _latency(client, base + "&level=city&format=csv", headers, runs),
        "district": _latency(client, base + "&level=district&format=csv", headers, runs)}
    return found


def _indicators_only(app, rt, runs: int, report: dict) -> None:
    from api.context import context_of
    from services.demo.people import ANALYST

    with rt.sessions() as session, session.begin():
        analyst = rt.sign_in.sign_in(context_of(rt, session), ANALYST.national_id, ANALYST.password, "bench")
    client, headers = app.test_client(), {"Authorization": f"Bearer {analyst.access_token}"}
    report.update(_snapshots(rt))
    report.update(_indicator_latencies(client, headers, runs))
    with rt.sessions() as session:
        report["count_ms"] = _count_timings(session)
    print(json.dumps(report, indent=2), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--redis-events", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="leave the seeded rows in place")
    parser.add_argument("--indicators-only", action="store_true",
                        help="on rows kept by an earlier --keep run: time only the indicator answers")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (the bench adds and removes rows)")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"
    os.environ.setdefault("INSTANCE_PATH", os.path.join(ROOT, "instance", "bench"))
    os.environ.update({"LOG_LEVEL": "WARNING", "REDIS_URL": redis_url})

    from api import create_app
    from api.context import context_of
    from migrations.runner import upgrade
    from services.demo.dossiers import load_catalogue as load_procedures
    from services.demo.people import ANALYST, CITIZEN, seed_people
    from services.metrics.periods import local_today
    from services.metrics.rollup import roll_up
    from services.metrics.units import units_at
    from services.signatures.demo import load_catalogues as load_signature_catalogues
    from services.demo.reference import seed_reference_data

    upgrade(url)

    app = create_app({"PASSWORD_HASH_PROFILE": "fast"})
    rt = app.extensions["runtime"]
    rt.kv.flushdb()
    rng = random.Random(2024)
    report: dict = {"benchmark": "metrics", "database": "postgresql", "accounts": args.accounts,
                    "events": args.events, "dossiers": args.dossiers, "redis_events": args.redis_events}
    started = time.perf_counter()
    if args.indicators_only:
        try:
            return _indicators_only(app, rt, args.runs, report)
        finally:
            rt.kv.flushdb()  # the kept yearly counts
    with rt.sessions() as session, session.begin():
        seed_reference_data(session)
        seed_people(context_of(rt, session), rt.passwords)
        load_signature_catalogues(session, os.path.join(ROOT, "data"))
        load_procedures(session)
        _seed_units_2025(context_of(rt, session))
        _seed_people(session.connection(), args.accounts)
        _seed_capabilities(session.connection(), args.dossiers)
        units = [u.code for u in units_at(session, "commune", date(2025, 7, 1))]
        _seed_usage(session, units, args.events, rng)
    with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(
            "VACUUM ANALYZE residents, accounts, certificates, health_records, dossiers, usage_daily, "
            "usage_monthly_active"))  # as autovacuum would leave them: statistics, visibility map
    report["seed_s"] = round(time.perf_counter() - started, 1)
    try:
        with rt.sessions() as session, session.begin():
            ctx = context_of(rt, session)
            citizen = rt.sign_in.sign_in(ctx, CITIZEN.national_id, CITIZEN.password, "bench")
            analyst = rt.sign_in.sign_in(ctx, ANALYST.national_id, ANALYST.password, "bench")
        report.update(_counting_cost(app, citizen.access_token, rounds=20, per_round=300))

        _push_events(rt.kv, units, args.redis_events, rt.settings.metrics_redis_retention_days, rng)
        started = time.perf_counter()
        with rt.sessions() as session, session.begin():
            rolled = roll_up(session, rt.kv, local_today(), rt.settings.metrics_redis_retention_days)
        report["rollup_s"] = round(time.perf_counter() - started, 3)
        report["rollup_rows"] = {"daily": rolled.daily_rows, "monthly": rolled.monthly_rows}

        client, headers = app.test_client(), {"Authorization": f"Bearer {analyst.access_token}"}
        report.update(_snapshots(rt))
        report.update(_indicator_latencies(client, headers, args.runs))
        with rt.sessions() as session:
            _count_timings(session)  # warm-up
            report["count_ms"] = _count_timings(session)
        print(json.dumps(report, indent=2), flush=True)
    finally:
        rt.kv.flushdb()
        if not args.keep:
            with rt.engine.begin() as connection:
                connection.execute(text("DELETE FROM usage_daily WHERE redis_epoch = 'bench' OR day >= :d"),
                                   {"d": local_today() - timedelta(days=10)})
                connection.execute(text("DELETE FROM usage_monthly_active"))
                connection.execute(text("DELETE FROM dossiers WHERE code LIKE 'BENCH-%'"))
                # certificates.renewed_from_id has no index (certificates are never deleted in use):
                # without one, each deleted row's foreign-key check would scan the table.
                connection.execute(text("CREATE INDEX bench_renewed_from ON certificates (renewed_from_id)"))
                connection.execute(text(f"DELETE FROM certificates WHERE account_id IN ({BENCH_ACCOUNTS})"))
                connection.execute(text("DROP INDEX bench_renewed_from"))
                connection.execute(text("DELETE FROM health_summaries WHERE record_id IN (SELECT id FROM health_records "
                                        f"WHERE resident_id IN ({BENCH_RESIDENTS}))"))
                connection.execute(text(f"DELETE FROM health_records WHERE resident_id IN ({BENCH_RESIDENTS})"))
                connection.execute(text("DELETE FROM accounts WHERE national_id LIKE '9%'"))
                connection.execute(text("DELETE FROM residents WHERE national_id LIKE '9%'"))


if __name__ == "__main__":
    main()
