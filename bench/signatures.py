"""Signature benchmarks on a scratch database: issuance, signing, verifying, the CRL.

    python -m bench.signatures [--documents 20] [--revoked 2000]

Prints one JSON report (milliseconds; p50 / p95 over the runs).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
from datetime import date, timedelta

from api import create_app
from migrations.runner import upgrade
from models.signatures import Certificate
from services.clock import clock
from services.signatures.appointments import local_today, next_business_day
from services.signatures.demo import load_catalogues
from services.signatures.key_vault import KeyVault

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def _one_page(text: str) -> bytes:
    stream = f"BT /F1 18 Tf 40 700 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"runs": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)}


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--revoked", type=int, default=2000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-signatures-")
    os.environ["INSTANCE_PATH"] = workdir
    url = f"sqlite:///{workdir}/bench.sqlite3"
    upgrade(url)
    app = create_app({"APP_ENV": "testing", "DATABASE_URL": url, "PASSWORD_HASH_PROFILE": "fast",
                      "LOG_LEVEL": "ERROR", "AUTH_RATE_LIMIT": "100000 per minute"})
    rt, client = app.extensions["runtime"], app.test_client()
    with app.app_context():
        from api.cli.demo import seed_people, seed_reference

        with rt.sessions() as session, session.begin():
            seed_reference(session, rt)
            seed_people(session, rt)
            load_catalogues(session, DATA)
    sign_in = lambda nid, pw: {"Authorization": "Bearer " + client.post(  # noqa: E731
        "/api/v1/auth/token", json={"national_id": nid, "password": pw}).json["access_token"]}
    citizen, officer = sign_in("001185004321", "Hanoi@2024"), sign_in("001080001111", "Officer@2024")
    day = next_business_day(local_today(clock.now()) + timedelta(days=1)).isoformat()
    created = client.post("/api/v1/signature-requests", headers=citizen, json={
        "provider_code": "VNPT-CA", "counter_code": "MC-BADINH", "appointment_date": day}).json
    approve_s, approved = _timed(lambda: client.post(f"/api/v1/signature-requests/{created['id']}/approve",
                                                     json={}, headers=officer))
    assert approved.status_code == 200, approved.json

    keygen = [_timed(KeyVault.new_key)[0] for _ in range(args.documents)]
    signing, verifying, sizes = [], [], []
    pdf = _one_page("iHanoi benchmark")
    for _ in range(args.documents):
        challenge = client.post("/api/v1/signatures/challenges", headers=citizen).json
        seconds, signed = _timed(lambda: client.post(
            "/api/v1/signatures/sign", headers=citizen, content_type="multipart/form-data",
            data={"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"],
                  "file": (io.BytesIO(pdf), "a.pdf")}))
        assert signed.status_code == 200, signed.json
        signing.append(seconds)
        sizes.append(len(signed.data))
        seconds, report = _timed(lambda: client.post("/api/v1/signatures/verify", content_type="multipart/form-data",
                                                     data={"file": (io.BytesIO(signed.data), "a.pdf")}))
        assert report.json["valid"], report.json
        verifying.append(seconds)

    with rt.sessions() as session, session.begin():  # a CRL with many entries
        template = session.query(Certificate).first()
        now = clock.now().replace(microsecond=0)
        for number in range(args.revoked):
            session.add(Certificate(account_id=template.account_id, provider_code="VNPT-CA", counter_code="MC-BADINH",
                                    serial=format(10**20 + number, "X"), subject="CN=bench", pem="-",
                                    valid_from=now, valid_to=now + timedelta(days=365), revoked_at=now,
                                    revocation_reason="superseded", created_at=now))
    crl = [_timed(lambda: client.get("/api/v1/ca/crl"))[0] for _ in range(5)]
    crl_bytes = len(client.get("/api/v1/ca/crl").data)
    print(json.dumps({
        "benchmark": "signatures", "database": "sqlite", "date": date.today().isoformat(),
        "approve_with_issuance_ms": round(approve_s * 1000, 1),
        "holder_key_generation_rsa2048": _stats(keygen),
        "sign_pdf_http": {**_stats(signing), "signed_pdf_bytes": statistics.median(sizes)},
        "verify_pdf_http": _stats(verifying),
        "crl_http": {**_stats(crl), "revoked_entries": args.revoked, "crl_bytes": crl_bytes},
    }, indent=2))


if __name__ == "__main__":
    main()
