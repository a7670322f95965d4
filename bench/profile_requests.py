"""Where one worker spends a signed-in read: cProfile over N in-process requests.

    python -m bench.profile_requests --database-url postgresql://... [--redis-url redis://...]
                                     [--requests 2000] [--top 25]

Migrates the (scratch) database, seeds the units, the demo citizen and the demo health
records, signs the citizen in, then profiles `--requests` calls of GET /api/v1/me and of
GET /api/v1/me/health/summary through Flask's test client (the whole WSGI app, no server).
Prints JSON: per path, the mean milliseconds per request and the top functions by their own
time and by cumulative time, and the SQL statements and Redis commands one request makes.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import tempfile
import time


def _seed(app) -> str:
    from api.context import context_of
    from migrations.runner import upgrade
    from services.demo.health import seed_health
    from services.demo.people import CITIZEN, seed_people
    from services.demo.reference import seed_reference_data
    from services.identity import accounts

    runtime = app.extensions["runtime"]
    upgrade(runtime.settings.database_url)
    with runtime.sessions() as session, session.begin():
        if accounts.find_account(session, runtime.id_hasher, CITIZEN.national_id) is None:
            seed_reference_data(session)
            seed_people(context_of(runtime, session), runtime.passwords)
            seed_health(context_of(runtime, session), runtime.passwords)
    with runtime.sessions() as session, session.begin():
        pair = runtime.sign_in.sign_in(context_of(runtime, session), CITIZEN.national_id, CITIZEN.password, "profile")
    return pair.access_token


def _round_trips(app, client, path: str, headers: dict[str, str]) -> dict[str, list[str]]:
    """The SQL statements one request sends (each marked when it runs outside a transaction),
    the BEGIN/COMMIT the driver really sends, and its Redis round trips."""
    from sqlalchemy import event

    runtime, statements, commands = app.extensions["runtime"], [], []
    client.get(path, headers=headers)  # after a Redis flush the first request restores the denylist

    def bare(connection) -> bool:
        return bool(getattr(connection.connection.dbapi_connection, "autocommit", False))

    def on_statement(connection, _cursor, statement, *_):
        mark = " (no transaction)" if bare(connection) and _cursor.connection.info.transaction_status == 0 else ""
        statements.append(" ".join(statement.split()[:4])[:70] + mark)

    listeners = {"before_cursor_execute": on_statement,
                 **{name: (lambda connection, *_, said=name.upper(): None if bare(connection) else statements.append(said))
                    for name in ("begin", "commit", "rollback")}}
    for name, listener in listeners.items():
        event.listen(runtime.engine, name, listener)
    original = runtime.kv.connection_pool.get_connection

    def counting(*args, **kwargs):
        commands.append(args[0] if args else "round trip")
        return original(*args, **kwargs)

    runtime.kv.connection_pool.get_connection = counting
    try:
        assert client.get(path, headers=headers).status_code == 200
    finally:
        runtime.kv.connection_pool.get_connection = original
        for name, listener in listeners.items():
            event.remove(runtime.engine, name, listener)
    return {"sql": statements, "redis_round_trips": len(commands)}


def _profile(client, path: str, headers: dict[str, str], count: int, top: int) -> dict:
    for _ in range(50):  # warm caches and the pool
        client.get(path, headers=headers)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        client.get(path, headers=headers)
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)

    def rows(key: int) -> list[dict]:
        ordered = sorted(stats.stats.items(), key=lambda item: item[1][key], reverse=True)[:top]
        return [{"function": f"{os.path.relpath(file) if file.startswith('/') else file}:{line}({name})",
                 "calls_per_request": round(calls / count, 1),
                 "own_us_per_request": round(own / count * 1e6), "cumulative_us_per_request": round(cum / count * 1e6)}
                for (file, line, name), (_, calls, own, cum, _) in ordered]

    return {"requests": count, "ms_per_request_profiled": round(elapsed / count * 1000, 3),
            "top_own_time": rows(2), "top_cumulative": rows(3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        os.environ.update({"APP_ENV": "development", "INSTANCE_PATH": workdir, "LOG_LEVEL": "WARNING",
                           "DATABASE_URL": args.database_url or f"sqlite:///{workdir}/profile.sqlite3",
                           "PASSWORD_HASH_PROFILE": "fast"})
        if args.redis_url:
            os.environ["REDIS_URL"] = args.redis_url
        from api import create_app

        app = create_app()
        headers = {"Authorization": f"Bearer {_seed(app)}"}
        client = app.test_client()
        report = {}
        for path in ("/api/v1/me", "/api/v1/me/health/summary"):
            report[path] = {**_round_trips(app, client, path, headers),
                            **_profile(client, path, headers, args.requests, args.top)}
    print(json.dumps({"benchmark": "profile_requests", "database": os.environ["DATABASE_URL"].split(":")[0],
                      "redis": bool(args.redis_url), "paths": report}, indent=2))


if __name__ == "__main__":
    main()
