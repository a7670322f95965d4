"""GET /api/v1/me through gunicorn next to a bare Flask endpoint, in one run.

    python -m bench.auth [--seconds 10] [--connections 32] [--workers 2]

Uses DATABASE_URL and REDIS_URL when set (PostgreSQL and Redis, as in production);
otherwise a fresh SQLite file and Redis on 127.0.0.1:6379 if it answers.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile

import redis

from bench.harness import gunicorn, wrk


def _environment(workdir: str) -> dict[str, str]:
    env = {"APP_ENV": "development", "INSTANCE_PATH": workdir, "LOG_LEVEL": "WARNING",
           "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3"}
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
        env["REDIS_URL"] = redis_url
    except redis.RedisError:
        pass
    return env


def _prepare(env: dict[str, str]) -> str:
    """Migrate, load units, create one citizen; return an access token for it."""
    os.environ.update(env)
    from api import create_app
    from api.context import context_of
    from migrations.runner import upgrade
    from services.demo.people import CITIZEN, seed_people
    from services.demo.reference import seed_reference_data

    upgrade(env["DATABASE_URL"])
    app = create_app()
    runtime = app.extensions["runtime"]
    with runtime.sessions() as session, session.begin():
        seed_reference_data(session)
        seed_people(context_of(runtime, session), runtime.passwords)
    with runtime.sessions() as session, session.begin():
        pair = runtime.sign_in.sign_in(context_of(runtime, session), CITIZEN.national_id, CITIZEN.password, "bench")
    return pair.access_token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = _environment(workdir)
        token = _prepare(env)
        load = {"seconds": args.seconds, "connections": args.connections}
        with gunicorn("bench.bare_app:app", env, args.workers) as base:
            wrk(base + "/bare", seconds=2, connections=args.connections)  # warm-up
            bare = wrk(base + "/bare", **load)
        with gunicorn("wsgi:app", env, args.workers) as base:
            headers = {"Authorization": f"Bearer {token}"}
            wrk(base + "/api/v1/me", seconds=2, connections=args.connections, headers=headers)
            me = wrk(base + "/api/v1/me", headers=headers, **load)
    print(json.dumps({
        "benchmark": "auth", "workers": args.workers, **load,
        "database": env["DATABASE_URL"].split(":")[0], "redis": "REDIS_URL" in env,
        "bare_flask": bare, "get_me": me,
        "ratio": round(me["requests_per_second"] / bare["requests_per_second"], 3),
    }, indent=2))


if __name__ == "__main__":
    main()
