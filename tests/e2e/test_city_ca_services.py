"""The city CA in the open: its chain, an RFC 3161 timestamp authority with a serial kept in the
database, an OCSP responder read from the certificate table (checked by `openssl`), and PAdES
B-T / B-LT signatures made with them."""
import base64
import io
import shutil

from cryptography.hazmat.primitives.serialization import Encoding

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from services.signatures import city_services
from tests.pki_support import openssl, write
from tests.signatures_support import issued_certificate, minimal_pdf, verify

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
TSQ, TSR = "application/timestamp-query", "application/timestamp-reply"
OCSP_REQ, OCSP_RESP = "application/ocsp-request", "application/ocsp-response"


def _query(nonce: int) -> bytes:
    return tsp.TimeStampReq({"version": "v1", "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x07" * 32},
        "nonce": nonce, "cert_req": True}).dump()


def _chain(client) -> tuple[x509.Certificate, x509.Certificate]:
    published = client.get("/api/v1/ca/certificates")
    assert published.status_code == 200
    return (x509.load_pem_x509_certificate(published.json["root"].encode()),
            x509.load_pem_x509_certificate(published.json["issuing"].encode()))


def test_the_chain_is_published_and_issues_the_holders_certificate(client, people, catalogues):
    root, issuing = _chain(client)
    assert issuing.issuer == root.subject and root.issuer == root.subject
    citizen, _, _ = issued_certificate(client, people)
    pem = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"][0]["pem"]
    x509.load_pem_x509_certificate(pem.encode()).verify_directly_issued_by(issuing)


def test_the_tsa_answers_rfc_3161_with_growing_serials_signed_by_a_time_stamping_certificate(client):
    replies = [client.post("/api/v1/ca/tsa", data=_query(n), content_type=TSQ) for n in (11, 12)]
    assert all(r.status_code == 200 and r.mimetype == TSR for r in replies)
    tokens = [tsp.TimeStampResp.load(r.data)["time_stamp_token"] for r in replies]
    infos = [t["content"]["encap_content_info"]["content"].parsed for t in tokens]
    assert [i["nonce"].native for i in infos] == [11, 12]
    assert infos[1]["serial_number"].native > infos[0]["serial_number"].native
    signer = x509.load_der_x509_certificate(tokens[0]["content"]["certificates"][0].chosen.dump())
    usage = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    refused = client.post("/api/v1/ca/tsa", data=b'{"x": 1}', content_type="application/json")
    assert refused.status_code == 415


def test_the_tsa_serial_is_kept_in_the_database(app, db_session):
    from api.context import context_of

    ctx = context_of(app.extensions["runtime"], db_session)
    first = city_services.next_serial(ctx.session)
    assert [city_services.next_serial(ctx.session) for _ in range(3)] == [first + 1, first + 2, first + 3]


def _ocsp_request(certificate: x509.Certificate, issuer: x509.Certificate) -> bytes:
    return city_services.ocsp_request(certificate, issuer)


def test_ocsp_answers_good_then_revoked_with_reason_and_time_by_post_and_get(client, people, catalogues):
    _, issuing = _chain(client)
    citizen, _, serial = issued_certificate(client, people)
    pem = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"][0]["pem"]
    leaf = x509.load_pem_x509_certificate(pem.encode())
    request = _ocsp_request(leaf, issuing)
    good = client.post("/api/v1/ca/ocsp", data=request, content_type=OCSP_REQ)
    assert good.status_code == 200 and good.mimetype == OCSP_RESP
    answer = ocsp.load_der_ocsp_response(good.data)
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD and answer.next_update_utc is not None
    responder = answer.certificates[0]
    assert ExtendedKeyUsageOID.OCSP_SIGNING in responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "key_compromise"}, headers=citizen.headers)
    encoded = base64.b64encode(request).decode().replace("/", "%2F").replace("+", "%2B")
    revoked = client.get(f"/api/v1/ca/ocsp/{encoded}")
    answer = ocsp.load_der_ocsp_response(revoked.data)
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_reason == x509.ReasonFlags.key_compromise and answer.revocation_time_utc is not None


def test_ocsp_says_unknown_for_a_stranger_and_good_for_the_tsa(client, app):
    _, issuing = _chain(client)
    tsa = app.extensions["runtime"].authority.tsa_key_pair().certificate
    answer = ocsp.load_der_ocsp_response(client.post("/api/v1/ca/ocsp", data=_ocsp_request(tsa, issuing),
                                                     content_type=OCSP_REQ).data)
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    stranger = (ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        answer.issuer_name_hash, answer.issuer_key_hash, 0xDEADBEEF, answer.hash_algorithm).build()
        .public_bytes(Encoding.DER))
    unknown = ocsp.load_der_ocsp_response(client.post("/api/v1/ca/ocsp", data=stranger, content_type=OCSP_REQ).data)
    assert unknown.certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    malformed = ocsp.load_der_ocsp_response(client.post("/api/v1/ca/ocsp", data=b"junk", content_type=OCSP_REQ).data)
    assert malformed.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


@needs_openssl
def test_openssl_ocsp_accepts_the_routes_answers(client, people, catalogues, tmp_path):
    root, issuing = _chain(client)
    citizen, _, serial = issued_certificate(client, people)
    pem = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"][0]["pem"]
    leaf_file = write(tmp_path / "leaf.pem", pem)
    issuer_file = write(tmp_path / "issuing.pem", issuing.public_bytes(Encoding.PEM))
    root_file = write(tmp_path / "root.pem", root.public_bytes(Encoding.PEM))
    request_file = str(tmp_path / "req.der")
    made = openssl("ocsp", "-issuer", issuer_file, "-cert", leaf_file, "-reqout", request_file, "-no_nonce")
    assert made.returncode == 0, made.stderr

    def ask(name: str) -> str:
        answer = client.post("/api/v1/ca/ocsp", data=(tmp_path / "req.der").read_bytes(), content_type=OCSP_REQ)
        response_file = write(tmp_path / name, answer.data)
        checked = openssl("ocsp", "-respin", response_file, "-issuer", issuer_file, "-cert", leaf_file,
                          "-CAfile", root_file, "-verify_other", issuer_file)
        assert checked.returncode == 0 and "Response verify OK" in checked.stderr + checked.stdout, checked.stderr
        return checked.stdout

    assert f"{leaf_file}: good" in ask("good.der")
    client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "key_compromise"}, headers=citizen.headers)
    revoked = ask("revoked.der")
    assert f"{leaf_file}: revoked" in revoked and "Reason: keyCompromise" in revoked


def _sign(client, citizen, pdf: bytes, level: str | None = None):
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers).json
    form = {"challenge_id": challenge["challenge_id"], "otp": challenge["debug_otp"],
            "file": (io.BytesIO(pdf), "don.pdf", "application/pdf")}
    if level:
        form["level"] = level
    return client.post("/api/v1/signatures/sign", headers=citizen.headers, data=form,
                       content_type="multipart/form-data")


def test_signatures_are_b_t_by_default_and_b_lt_on_request(client, people, catalogues):
    citizen, _, serial = issued_certificate(client, people)
    b_t = _sign(client, citizen, minimal_pdf())
    assert b_t.status_code == 200
    embedded = PdfFileReader(io.BytesIO(b_t.data)).embedded_signatures[0]
    kinds = [a["type"].native for a in embedded.signer_info["unsigned_attrs"]]
    assert "signature_time_stamp_token" in kinds
    b_lt = _sign(client, citizen, minimal_pdf(), "B-LT")
    assert b_lt.status_code == 200
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(b_lt.data)))
    answered = {ocsp.load_der_ocsp_response(item.get_object().data).serial_number for item in dss.ocsps}
    assert int(serial, 16) in answered and len(answered) == 2  # the holder and the TSA
    assert verify(client, b_lt.data).json["valid"] is True
    assert _sign(client, citizen, minimal_pdf(), "B-LTA").status_code == 422
