"""GET /api/v1/me/health/summary through gunicorn with about 1 million observations stored.

    python -m bench.health_summary [--database-url postgresql://...] [--observations 1000000]
                                   [--seconds 15] [--connections 16] [--accounts 200]

Loads bench records through the NDJSON import until the observations table holds the
wanted number (skipped when it already does), gives `--accounts` of the bench patients a
citizen account and a token, serves the app with gunicorn (2 workers, 127.0.0.1 only) and
drives it with wrk, each request signed in as the next account (so reads spread over many
records); GET /api/v1/me under the same setup is measured as the baseline of this machine. Also shows the plan of the latest-value query: an index probe per code, no scan.
Prints JSON with requests/s, p50/p99 and reads per CPU core next to Medplum's published
~270 authenticated reads/s per vCPU. Use a scratch PostgreSQL database.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select, text  # noqa: E402

from bench import health_import  # noqa: E402
from bench.harness import gunicorn, wrk  # noqa: E402

MEDPLUM_READS_PER_VCPU = 270  # 20,800 authenticated reads/s on 76 vCPUs (Medplum, 2026)
LUA = """
tokens = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "%s",
                    {["Authorization"] = "Bearer " .. tokens[(counter %% #tokens) + 1]})
end
"""


def ensure_observations(url: str, wanted: int, workdir: str) -> dict:
    """Import bench records (7 observations each) until the table holds `wanted` observations."""
    from models.database import make_engine

    health_import.prepare(url, 0)
    engine = make_engine(url)
    with engine.connect() as connection:
        have = connection.execute(text("SELECT count(*) FROM observations")).scalar()
    engine.dispose()
    if have >= wanted:
        return {"loaded_now": 0, "observations": have}
    count = -(-wanted // 7)  # six measured + the computed BMI; re-runs skip what is stored
    health_import.prepare(url, count)
    path = os.path.join(workdir, "records.ndjson")
    health_import.write_file(path, count, "summary")
    load = health_import.timed_import(url, path)
    return {"loaded_now": load["records"], "load_records_per_second": load["records_per_second"],
            "observations": load["observations_in_table"]}


def tokens_for(app, count: int) -> list[str]:
    from models.health import HealthRecord
    from models.identity import Account
    from models.reference import Resident
    from services.clock import clock

    runtime = app.extensions["runtime"]
    tokens = []
    with runtime.sessions() as session, session.begin():
        people = session.execute(select(Resident).join(HealthRecord, HealthRecord.resident_id == Resident.id)
                                 .order_by(HealthRecord.id.desc()).limit(count)).scalars().all()
        password_hash = runtime.passwords.hash("bench only, never used to sign in")
        for person in people:
            account = session.scalar(select(Account).where(Account.national_id_hash == runtime.id_hasher(person.national_id)))
            if account is None:
                account = Account(national_id_hash=runtime.id_hasher(person.national_id), national_id=person.national_id,
                                  full_name=person.full_name, date_of_birth=person.date_of_birth, sex=person.sex,
                                  district_code=person.district_code, password_hash=password_hash, role="citizen",
                                  assurance_level=2, status="active", created_at=clock.now())
                session.add(account)
                session.flush()
            tokens.append(runtime.sign_in.open_session(session, account, "bench").access_token)
    return tokens


def query_plan(app) -> dict:
    from models.health import HealthRecord
    from services.health.reading import LATEST_OBSERVATIONS

    runtime = app.extensions["runtime"]
    with runtime.sessions() as session:
        record_id = session.scalar(select(func.max(HealthRecord.id)))
        stmt = LATEST_OBSERVATIONS.params(record_id=record_id)
        compiled = stmt.compile(runtime.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")))
    return {"index_probes": plan.count("ix_observations_record_code_effective"),
            "sequential_scans": plan.count("Seq Scan"),
            "execution_ms": float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))}


def run_wrk(base: str, path: str, tokens: list[str], seconds: int, connections: int, workdir: str) -> dict:
    """GET `path` with the tokens taken in turn (a Lua script), after a 2-second warm-up."""
    script = os.path.join(workdir, "summary.lua")
    with open(script, "w") as out:
        out.write(LUA % (", ".join(f'"{t}"' for t in tokens), path))
    wrk(base, seconds=2, connections=connections, script=script)
    return wrk(base, seconds=seconds, connections=connections, script=script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--accounts", type=int, default=200)
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgresql"):
        raise SystemExit("give a scratch PostgreSQL database: --database-url or DATABASE_URL")
    with tempfile.TemporaryDirectory() as workdir:
        env = {"APP_ENV": "development", "INSTANCE_PATH": workdir, "LOG_LEVEL": "WARNING",
               "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "PASSWORD_HASH_PROFILE": "fast"}
        os.environ.update(env)
        data = ensure_observations(args.database_url, args.observations, workdir)
        from api import create_app

        app = create_app()
        tokens = tokens_for(app, args.accounts)
        sample = None
        with gunicorn("wsgi:app", env, workers=2) as base:
            request = urllib.request.Request(base + "/api/v1/me/health/summary",
                                             headers={"Authorization": f"Bearer {tokens[0]}"})
            sample = json.load(urllib.request.urlopen(request, timeout=10))
            result = run_wrk(base, "/api/v1/me/health/summary", tokens, args.seconds, args.connections, workdir)
            baseline = run_wrk(base, "/api/v1/me", tokens, args.seconds, args.connections, workdir)
        cpus = os.cpu_count() or 1
        print(json.dumps({
            "benchmark": "health_summary", "data": data, "accounts": len(tokens),
            "sample_vital_signs": len(sample["vital_signs"]), "gunicorn_workers": 2,
            "wrk": {"seconds": args.seconds, "connections": args.connections}, **result,
            "cpus": cpus, "reads_per_core": round(result["requests_per_second"] / cpus),
            "medplum_reads_per_vcpu": MEDPLUM_READS_PER_VCPU, "latest_value_query": query_plan(app),
            "baseline_get_me_same_setup": baseline,
            "note": "wrk, gunicorn and PostgreSQL share the same cores"}, indent=2))


if __name__ == "__main__":
    main()
