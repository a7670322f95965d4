"""Documents benchmark: upload throughput (MB/s) and the p99 of a document download against a
static file of the same size served by the same gunicorn. Prints one JSON report.

    python -m bench.documents [--uploads 24] [--upload-mib 4] [--clients 4] [--seconds 10]
        [--database-url postgresql://postgres@127.0.0.1:5432/scratch --redis-url redis://127.0.0.1:6379/11]

By default a fresh SQLite database (and the in-process store) under a temporary instance
folder; with `--database-url` a scratch PostgreSQL database (migrated and seeded here: give an
empty one) and, with `--redis-url`, Redis. Documents go to a directory store under the instance
folder either way. The demo people and catalogue; gunicorn (2 workers) on loopback serves
wsgi:app; uploads are POSTed by `--clients` threads, downloads and the static Swagger UI asset
are measured with wrk.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from swagger_ui_bundle import swagger_ui_path

from api import create_app
from bench.harness import gunicorn, wrk
from migrations.runner import upgrade

CITIZEN = ("001185004321", "Hanoi@2024")
PROCEDURE = "2.000720"
FORM = {"business_name": "Bench", "address": "1 Bench", "lines_of_business": ["x"], "capital_vnd": 1}
STATIC = "swagger-ui-bundle.js"
PNG = b"\x89PNG\r\n\x1a\n"


def _png(size: int) -> bytes:
    return PNG + os.urandom(size - len(PNG))


def _seed(env: dict[str, str]) -> None:
    os.environ.update(env)
    upgrade(env["DATABASE_URL"])
    app = create_app()
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    app.extensions["runtime"].engine.dispose()


def _upload(base: str, headers: dict[str, str], code: str, content: bytes) -> dict:
    answer = requests.post(f"{base}/api/v1/dossiers/{code}/documents", headers=headers, timeout=120,
                           data={"component_code": "HD-THUE"}, files={"file": ("scan.png", io.BytesIO(content))})
    assert answer.status_code == 201, answer.text
    return answer.json()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=24)
    parser.add_argument("--upload-mib", type=float, default=4.0)
    parser.add_argument("--clients", type=int, default=None, help="default: 1 on SQLite (one writer), 4 otherwise")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default=None, help="a scratch PostgreSQL database; default: SQLite")
    parser.add_argument("--redis-url", default=None, help="default: the in-process store")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-documents-")
    database_url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    database = database_url.split(":", 1)[0].split("+", 1)[0]
    clients = args.clients or (1 if database == "sqlite" else 4)
    env = {"APP_ENV": "development", "INSTANCE_PATH": workdir, "DATABASE_URL": database_url,
           "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "ERROR", "AUTH_RATE_LIMIT": "100000 per minute",
           "METRICS_USAGE_COUNTING": "off", **({"REDIS_URL": args.redis_url} if args.redis_url else {})}
    _seed(env)
    static_size = os.path.getsize(os.path.join(swagger_ui_path, STATIC))
    with gunicorn("wsgi:app", env) as base:
        token = requests.post(f"{base}/api/v1/auth/token", timeout=30, json={
            "national_id": CITIZEN[0], "password": CITIZEN[1]}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        code = requests.post(f"{base}/api/v1/dossiers", headers=headers, timeout=30,
                             json={"procedure_code": PROCEDURE, "form": FORM}).json()["code"]
        size = int(args.upload_mib * 1024 * 1024)
        bodies = [_png(size) for _ in range(args.uploads)]
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda body: _upload(base, headers, code, body), bodies))
        upload_seconds = time.perf_counter() - started
        same_size = _upload(base, headers, code, _png(static_size))
        document = wrk(f"{base}/api/v1/dossiers/{code}/documents/{same_size['id']}", seconds=args.seconds,
                       connections=args.connections, headers=headers)
        static = wrk(f"{base}/api/v1/docs/assets/{STATIC}", seconds=args.seconds, connections=args.connections)
    print(json.dumps({
        "benchmark": "documents", "store": "directory (instance/documents)", "database": database,
        "key_value_store": "redis" if args.redis_url else "in-process", "gunicorn_workers": 2,
        "upload": {"files": args.uploads, "bytes_each": size, "clients": clients,
                   "seconds": round(upload_seconds, 3),
                   "mb_per_second": round(args.uploads * size / upload_seconds / 1e6, 2)},
        "download": {"bytes": static_size, "connections": args.connections, "seconds": args.seconds,
                     "document": document, "static_file": static,
                     "p99_ratio": round(document["p99_ms"] / static["p99_ms"], 2) if static["p99_ms"] else None},
    }, indent=2))


if __name__ == "__main__":
    main()
