"""POST /api/v1/signatures/verify for 1, 5 and 10 signatures, and the 11-signature refusal.

    python -m bench.signatures [--runs 20]

In process (Flask test client) on a fresh SQLite database and the in-process key-value store;
prints p50/p95 milliseconds per case as JSON. Aim: one signature p50 < 50 ms, refusal < 100 ms.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from datetime import timedelta

from api import create_app
from migrations.runner import upgrade
from services.clock import clock
from services.signatures.authority import CertificateSubject
from services.signatures.profile import new_holder_key
from services.signatures.signing import pades_sign
from tests.signatures_support import minimal_pdf


def _stacked(app, count: int) -> bytes:
    authority = app.extensions["runtime"].authority
    key = new_holder_key()
    issued = authority.issue(CertificateSubject("Nguyễn Văn Đo", "001190001111"), key.public_pem,
                             not_before=clock.now() - timedelta(minutes=1))
    pdf = minimal_pdf()
    for _ in range(count):
        pdf = pades_sign(pdf, issued.pem, authority.chain_pem(), key, "Nguyễn Văn Đo")
    return pdf


def _timings(client, pdf: bytes, runs: int, expected: int) -> dict[str, float]:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.post("/api/v1/signatures/verify", content_type="multipart/form-data",
                             data={"file": (io.BytesIO(pdf), "x.pdf", "application/pdf")})
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == expected, answer.get_json()
    spent.sort()
    return {"p50_ms": round(statistics.median(spent), 1), "p95_ms": round(spent[int(len(spent) * 0.95) - 1], 1),
            "runs": runs, "status": expected}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/bench.sqlite3"
        upgrade(url)
        import os

        os.environ["INSTANCE_PATH"] = workdir
        app = create_app({"APP_ENV": "testing", "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                          "SIGNATURE_VERIFY_RATE_LIMIT": "1000000 per minute",
                          # measured, not cut short: a loaded machine must not turn timings into 503s
                          "SIGNATURE_VERIFY_BUDGET_MS": "60000",
                          # as production: certificates name the CRL and OCSP responder, so the
                          # verifier's OCSP-first path is what is measured (answered in process)
                          "SIGNATURE_CRL_URL": "http://127.0.0.1:9/api/v1/ca/crl",
                          "SIGNATURE_OCSP_URL": "http://127.0.0.1:9/api/v1/ca/ocsp"})
        client = app.test_client()
        report = {f"{n}_signatures": _timings(client, _stacked(app, n), max(3, runs // n), 200) for n in (1, 5, 10)}
        report["11_signatures_refused"] = _timings(client, _stacked(app, 11), runs, 422)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
