"""`make bench`: every figure of issue 15's table in one run, on a scratch PostgreSQL database
(created and dropped here) and a Redis database (flushed before and after), as ONE JSON
document: each figure, its aim, and the bare-Flask ceiling measured in the same run.

    python -m bench.suite [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
                          [--redis redis://127.0.0.1:6379/10] [--seconds 8] [--chart docs/performance.png]
                          [--skip load,export,import]

Figures (each kept to a minute or two; about 8-10 minutes in all on 2 cores):
- get_me_ratio: GET /api/v1/me against the bare Flask endpoint (bench/bare_app.py), gunicorn
  2 workers, wrk, 32 connections; aim 0.7;
- summary_ratio: GET /api/v1/me/health/summary (the demo citizen's record), same; aim 0.5;
- usage_count_us: what counting one use adds to a request's token check (in-process, the
  denylist round trip with and without the usage commands queued on it, medians); aim 100 µs;
- import_share_of_copy: bench.health_import on PostgreSQL, 5,000 lines (one check-up each): the
  import's lines/s against a bare binary COPY of the same rows into the same tables in the same
  run, the share (aim 0.5), the time for 8.4 million records at each rate, and the import's own
  split of its time per step (parse, lookup, validate, rows, encode, copy, insert, summaries,
  commit);
- export: bench.metrics (the indicators export, issue 15 point 4), its own JSON, at 200 k
  accounts and 2 M usage events (the aim's 1 M / 10 M takes longer than this run should: see
  docs/performance.md for the separate command);
- load: bench.load's highest zero-error rate with citizen-read p99 under 50 ms, read-only and
  with 1 % sign-ins, on a reduced population; aim 400 req/s. An answer other than success or
  overload (a 404 from a wrong mix) makes bench.load exit 1: its JSON is kept with an "error";
- concurrency: requests/s and p99 of bare, /me and the summary at 1-64 connections, drawn as
  a PNG chart (matplotlib).
The machine's other load is not controlled: compare figures of one run, not across runs.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import psycopg
import redis
from sqlalchemy.engine import make_url

from bench.harness import ROOT, gunicorn, wrk

AIMS = {"get_me_ratio": 0.7, "summary_ratio": 0.5, "usage_count_us": 100, "import_share_of_copy": 0.5,
        "export_s": 0.3, "load_rps": 400}
CONCURRENCY = (1, 4, 16, 64)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on `server_url`'s server, dropped afterwards."""
    name = f"ihanoi_bench_{uuid.uuid4().hex[:8]}"
    server = make_url(server_url)
    admin_url = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(env: dict[str, str]) -> tuple[object, str]:
    """Migrate, seed units, the demo people and their health records; the citizen's token."""
    os.environ.update(env)
    from api import create_app
    from api.context import context_of
    from migrations.runner import upgrade
    from services.demo.health import seed_health
    from services.demo.people import CITIZEN, seed_people
    from services.demo.reference import seed_reference_data

    upgrade(env["DATABASE_URL"])
    app = create_app()
    runtime = app.extensions["runtime"]
    with runtime.sessions() as session, session.begin():
        seed_reference_data(session)
        seed_people(context_of(runtime, session), runtime.passwords)
        seed_health(context_of(runtime, session), runtime.passwords)
    with runtime.sessions() as session, session.begin():
        pair = runtime.sign_in.sign_in(context_of(runtime, session), CITIZEN.national_id, CITIZEN.password, "bench")
    return app, pair.access_token


def _baseline(env: dict[str, str], token: str, seconds: int, root: str) -> dict:
    """/me and the summary served from another checkout (e.g. main before this work) on the
    same database, in the same run: the before of a before/after."""
    headers = {"Authorization": f"Bearer {token}"}
    with gunicorn("wsgi:app", env, 2, root=root) as base:
        log(f"baseline from {root}")
        return {name: (wrk(base + path, seconds=2, connections=32, headers=headers),
                       wrk(base + path, seconds=seconds, connections=32, headers=headers))[1]
                for name, path in (("get_me", "/api/v1/me"), ("summary", "/api/v1/me/health/summary"))}


def _served(env: dict[str, str], token: str, seconds: int) -> dict:
    """Bare, /me and the summary at 32 connections, then each at CONCURRENCY levels."""
    headers = {"Authorization": f"Bearer {token}"}
    paths = {"get_me": "/api/v1/me", "summary": "/api/v1/me/health/summary"}
    results: dict[str, dict] = {"at_32": {}, "concurrency": {name: {} for name in ("bare", *paths)}}
    with gunicorn("bench.bare_app:app", env, 2) as base:
        wrk(base + "/bare", seconds=2, connections=32)
        results["at_32"]["bare"] = wrk(base + "/bare", seconds=seconds, connections=32)
        for connections in CONCURRENCY:
            results["concurrency"]["bare"][connections] = wrk(base + "/bare", seconds=max(3, seconds // 2),
                                                              connections=connections, threads=min(2, connections))
    with gunicorn("wsgi:app", env, 2) as base:
        for name, path in paths.items():
            log(f"wrk {path}")
            wrk(base + path, seconds=2, connections=32, headers=headers)
            results["at_32"][name] = wrk(base + path, seconds=seconds, connections=32, headers=headers)
            for connections in CONCURRENCY:
                results["concurrency"][name][connections] = wrk(
                    base + path, seconds=max(3, seconds // 2), connections=connections,
                    threads=min(2, connections), headers=headers)
    return results


def _usage_count_us(app, token: str, rounds: int = 7, calls: int = 500) -> dict:
    """Median microseconds of the token check with the usage commands queued on its round
    trip, minus the same without (alternating rounds, one process)."""
    from api.metrics import queue_use

    tokens = app.extensions["runtime"].tokens
    timings: dict[str, list[float]] = {"with": [], "without": []}
    with app.test_request_context("/api/v1/me"):
        for _ in range(rounds):
            for name, also in (("without", None), ("with", queue_use)):
                started = time.perf_counter()
                for _ in range(calls):
                    tokens.verify(token, also=also)
                timings[name].append((time.perf_counter() - started) / calls * 1e6)
    with_, without = statistics.median(timings["with"]), statistics.median(timings["without"])
    return {"token_check_us": round(without, 1), "token_check_with_count_us": round(with_, 1),
            "usage_count_us": round(with_ - without, 1)}


def _json_of(command: list[str], env: dict[str, str], timeout: int) -> dict:
    """Run a benchmark module; its stdout's JSON (or why there is none)."""
    log(" ".join(command))
    try:
        done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, env={**os.environ, **env},
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout} s"}
    error = done.stderr.strip().splitlines()[-1:] or f"exit {done.returncode}"
    if "{" not in done.stdout:
        return {"error": error}
    found = json.loads(done.stdout[done.stdout.index("{"):])
    return found if done.returncode == 0 else {"error": error, **found}


def _load(env: dict[str, str], seconds: int) -> dict:
    """bench.load on a reduced population: read-only, then with 1 % sign-ins."""
    common = ["bench.load", "--database-url", env["DATABASE_URL"], "--redis-url", env["REDIS_URL"],
              "--residents", "100000", "--dossiers", "100000", "--health-records", "2000",
              "--rates", "100,200,400", "--seconds", str(seconds)]
    return {"read_only": _json_of([*common, "--sign-in-percent", "0"], env, 900),
            "sign_ins_1_percent": _json_of([*common, "--sign-in-percent", "1"], env, 900)}


def _chart(concurrency: dict, path: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (rps_axis, p99_axis) = pyplot.subplots(1, 2, figsize=(10, 4))
    for name, by_connections in concurrency.items():
        levels = sorted(by_connections)
        rps_axis.plot(levels, [by_connections[c]["requests_per_second"] for c in levels], marker="o", label=name)
        p99_axis.plot(levels, [by_connections[c]["p99_ms"] for c in levels], marker="o", label=name)
    for axis, title in ((rps_axis, "requests/s"), (p99_axis, "p99 latency (ms)")):
        axis.set_xscale("log", base=2)
        axis.set_xlabel("connections (wrk)")
        axis.set_title(title)
        axis.legend()
    figure.suptitle("gunicorn 2 workers, PostgreSQL + Redis, one 2-core machine (shared)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    return os.path.relpath(path, ROOT)


def _highest_rate(load: dict) -> float | None:
    return load.get("highest_rate_with_zero_errors_and_citizen_p99_under_50ms") if isinstance(load, dict) else None


def figures(results: dict) -> dict:
    """The issue's table: each figure, its aim, the ceiling it is measured against."""
    at_32 = results["served"]["at_32"]
    bare = at_32["bare"]["requests_per_second"]
    table = {
        "get_me_ratio": {"value": round(at_32["get_me"]["requests_per_second"] / bare, 3),
                         "aim": AIMS["get_me_ratio"], "get_me": at_32["get_me"], "bare_flask": at_32["bare"]},
        "summary_ratio": {"value": round(at_32["summary"]["requests_per_second"] / bare, 3),
                          "aim": AIMS["summary_ratio"], "summary": at_32["summary"], "bare_flask": at_32["bare"]},
        "usage_count_us": {"value": results["usage"]["usage_count_us"], "aim": AIMS["usage_count_us"],
                           **results["usage"]},
    }
    if "baseline" in results:
        for name in ("get_me", "summary"):
            before = results["baseline"][name]
            table[f"{name}_ratio"]["baseline"] = {
                "root": results["baseline"]["root"], **before,
                "ratio": round(before["requests_per_second"] / bare, 3)}
    if "import" in results:
        postgresql = results["import"].get("postgresql", results["import"])
        against = postgresql.get("against_bare_copy", {})
        table["import_share_of_copy"] = {
            "value": against.get("share_of_bare_copy"), "aim": AIMS["import_share_of_copy"], **against,
            "import_seconds_by_step": postgresql.get("first_load", {}).get("seconds_by_step"),
            "health_import": postgresql}
    if "export" in results:
        table["export"] = {"aim_s": AIMS["export_s"], "bench_metrics": results["export"]}
    if "load" in results:
        table["load"] = {"aim_rps": AIMS["load_rps"], "read_only": _highest_rate(results["load"]["read_only"]),
                         "sign_ins_1_percent": _highest_rate(results["load"]["sign_ins_1_percent"]),
                         "runs": results["load"]}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"))
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--chart", default=os.path.join(ROOT, "docs", "performance.png"))
    parser.add_argument("--skip", default="", help="comma-separated: load, export, import")
    parser.add_argument("--baseline", help="another checkout (e.g. /work/main) whose /me and summary are "
                                           "measured in the same run, on the same database")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the scratch database
    kv = redis.Redis.from_url(args.redis)
    kv.flushdb()
    started = time.monotonic()
    try:
        with scratch_database(args.postgres) as url, tempfile.TemporaryDirectory() as workdir:
            env = {"APP_ENV": "development", "INSTANCE_PATH": workdir, "LOG_LEVEL": "WARNING",
                   "DATABASE_URL": url, "REDIS_URL": args.redis}
            log(f"scratch database {make_url(url).database}")
            app, token = _prepare(env)
            results = {"served": _served(env, token, args.seconds), "usage": _usage_count_us(app, token)}
            if args.baseline:
                results["baseline"] = {"root": args.baseline, **_baseline(env, token, args.seconds, args.baseline)}
            app.extensions["runtime"].engine.dispose()
            if "import" not in skip:
                results["import"] = _json_of(["bench.health_import", "--records", "5000", "--no-sqlite",
                                              "--database-url", url], env, 600)
            if "export" not in skip:
                results["export"] = _json_of(["bench.metrics", "--accounts", "200000", "--events", "2000000",
                                              "--dossiers", "200000", "--runs", "3"], env, 1800)
            if "load" not in skip:
                results["load"] = _load(env, max(5, args.seconds))
    finally:
        kv.flushdb()
    chart = _chart(results["served"]["concurrency"], args.chart)
    print(json.dumps({"benchmark": "suite (issue 15)", "cpus": os.cpu_count(),
                      "load_average_at_end": os.getloadavg(), "minutes": round((time.monotonic() - started) / 60, 1),
                      "figures": figures(results), "concurrency": results["served"]["concurrency"],
                      "chart": chart}, indent=2, default=str))


if __name__ == "__main__":
    main()
