"""The city CA's PKI services (issue 14 groundwork): profile, seals, TSA, OCSP, checked by openssl."""
import shutil
from datetime import timedelta

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from services.signatures.local_ca import SERVICES_DIR, LocalCertificateAuthority
from services.signatures.ocsp import OcspResponder, request_from_get_path
from services.signatures.profile import KeyAlgorithm, new_holder_key
from services.signatures.timestamps import InMemorySerials, TimestampAuthority, TimestampReply
from tests.pki_support import (HOLDER_POLICY, PROFILE, TSA_POLICY, new_holder, open_ca, openssl, pem_of,
                               utcnow, write)

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return open_ca(tmp_path_factory.mktemp("pki") / "pki-ca")


@pytest.fixture(scope="module")
def files(ca, tmp_path_factory):
    """PEM files openssl reads: the published CA certificates, the issuing CA, the TSA."""
    base = tmp_path_factory.mktemp("pem")
    return {"cas": write(base / "cas.pem", "".join(ca.ca_certificates())),
            "issuing": write(base / "issuing.pem", pem_of(ca.issuing_certificate)),
            "tsa": write(base / "tsa.pem", pem_of(ca.tsa_key_pair().certificate))}


def _extension(certificate: x509.Certificate, kind):
    return certificate.extensions.get_extension_for_class(kind)


@pytest.mark.parametrize("algorithm, key_type, size", [
    (KeyAlgorithm.ECDSA_P256, ec.EllipticCurvePrivateKey, 256),
    (KeyAlgorithm.RSA_3072_PSS, rsa.RSAPrivateKey, 3072),
])
def test_holder_certificates_follow_circular_15(ca, algorithm, key_type, size):
    key, issued = new_holder(ca, algorithm)
    assert isinstance(key.private_key, key_type) and key.private_key.key_size == size
    leaf = x509.load_pem_x509_certificate(issued.pem.encode())
    usage = _extension(leaf, x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert [p.policy_identifier.dotted_string for p in _extension(leaf, x509.CertificatePolicies).value] \
        == [HOLDER_POLICY]
    assert _extension(leaf, x509.CRLDistributionPoints).value[0].full_name[0].value == PROFILE.crl_url
    access = {(a.access_method, a.access_location.value) for a in _extension(leaf, x509.AuthorityInformationAccess).value}
    assert access == {(AuthorityInformationAccessOID.OCSP, PROFILE.ocsp_url),
                      (AuthorityInformationAccessOID.CA_ISSUERS, PROFILE.ca_issuers_url)}


def test_the_ca_publishes_root_then_issuing(ca):
    root, issuing = (x509.load_pem_x509_certificate(p.encode()) for p in ca.ca_certificates())
    assert root.subject == root.issuer and issuing.issuer == root.subject
    assert issuing == ca.issuing_certificate


def test_the_issuing_ca_names_the_roots_crl_and_certificate(ca):
    issuing = ca.issuing_certificate
    assert _extension(issuing, x509.CRLDistributionPoints).value[0].full_name[0].value == PROFILE.arl_url
    assert [(a.access_method, a.access_location.value) for a in _extension(issuing, x509.AuthorityInformationAccess).value] \
        == [(AuthorityInformationAccessOID.CA_ISSUERS, PROFILE.root_certificate_url)]
    arl = x509.load_der_x509_crl(ca.authority_revocation_list())
    root = x509.load_pem_x509_certificate(ca.trust_roots_pem()[0].encode())
    assert arl.issuer == root.subject and arl.is_signature_valid(root.public_key()) and len(arl) == 0
    assert arl.next_update_utc == issuing.not_valid_after_utc


@needs_openssl
def test_openssl_checks_the_whole_chain_against_both_crls(ca, files, tmp_path):
    from cryptography.hazmat.primitives.serialization import Encoding

    from services.signatures.authority import RevokedEntry

    def crl_file(name, der):
        return write(tmp_path / name, x509.load_der_x509_crl(der).public_bytes(Encoding.PEM))

    _, kept = new_holder(ca)
    _, lost = new_holder(ca)
    crl = crl_file("issuing.crl", ca.crl([RevokedEntry(lost.serial, utcnow().replace(microsecond=0), "key_compromise")],
                                         now=utcnow()))
    arl = crl_file("root.crl", ca.authority_revocation_list())
    for issued, expected in ((kept, 0), (lost, 2)):
        holder = write(tmp_path / "holder.pem", issued.pem)
        checked = openssl("verify", "-crl_check_all", "-CAfile", files["cas"], "-CRLfile", crl, "-CRLfile", arl, holder)
        assert checked.returncode == expected, checked.stdout + checked.stderr
        assert ("OK" in checked.stdout) == (expected == 0)
    assert "certificate revoked" in checked.stdout + checked.stderr


def test_service_certificates_have_their_own_keys_and_narrow_usage(ca):
    tsa, responder = ca.tsa_key_pair(), ca.ocsp_key_pair()
    eku = _extension(tsa.certificate, x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert list(_extension(responder.certificate, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    assert _extension(responder.certificate, x509.OCSPNoCheck)
    with pytest.raises(x509.ExtensionNotFound):
        _extension(responder.certificate, x509.CRLDistributionPoints)
    public = {pair.certificate.public_key().public_numbers() for pair in (tsa, responder)}
    assert len(public) == 2 and ca.issuing_certificate.public_key().public_numbers() not in public
    for pair in (tsa, responder):
        assert pair.certificate.issuer == ca.issuing_certificate.subject
        pair.certificate.verify_directly_issued_by(ca.issuing_certificate)


def test_an_older_directory_gains_service_certificates_in_development_only(ca, tmp_path):
    older = tmp_path / "older-ca"
    LocalCertificateAuthority.open(str(older), create_if_missing=True, now=utcnow(), validity=timedelta(days=30))
    shutil.rmtree(older / SERVICES_DIR)  # a directory made before the TSA and OCSP existed
    production = LocalCertificateAuthority.open(str(older), create_if_missing=False, now=utcnow(),
                                                validity=timedelta(days=30))
    assert not (older / SERVICES_DIR).exists()
    with pytest.raises(Exception, match="no TSA certificate"):
        production.tsa_key_pair()
    development = LocalCertificateAuthority.open(str(older), create_if_missing=True, now=utcnow(),
                                                 validity=timedelta(days=30))
    development.ocsp_key_pair().certificate.verify_directly_issued_by(development.issuing_certificate)
    again = LocalCertificateAuthority.open(str(older), create_if_missing=True, now=utcnow(),
                                           validity=timedelta(days=30))
    assert again.tsa_key_pair().certificate == development.tsa_key_pair().certificate


def test_an_agency_seal_is_an_organisation_certificate(ca):
    key = new_holder_key()
    issued = ca.issue_seal("000.00.12.H26", "Sở Tư pháp Hà Nội", key.public_pem, not_before=utcnow())
    seal = x509.load_pem_x509_certificate(issued.pem.encode())
    assert seal.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Sở Tư pháp Hà Nội"
    assert seal.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "000.00.12.H26"
    usage = _extension(seal, x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert seal.public_key().public_numbers() == key.private_key.public_key().public_numbers()


# -- the timestamp authority ------------------------------------------------------------------

@pytest.fixture
def tsa(ca):
    pair = ca.tsa_key_pair()
    return TimestampAuthority(pair.certificate, pair.key, TSA_POLICY, InMemorySerials(),
                              chain=[ca.issuing_certificate], accuracy=timedelta(milliseconds=1500))


@needs_openssl
@pytest.mark.parametrize("cert_req", [False, True])
def test_openssl_verifies_a_timestamp_reply(tsa, files, tmp_path, cert_req):
    document = write(tmp_path / "doc.txt", "Đơn xin cấp phép xây dựng")
    query, reply = str(tmp_path / "q.tsq"), str(tmp_path / "r.tsr")
    made = openssl("ts", "-query", "-data", document, "-sha256", *(["-cert"] if cert_req else []), "-out", query)
    assert made.returncode == 0, made.stderr
    write(tmp_path / "r.tsr", tsa.reply((tmp_path / "q.tsq").read_bytes(), utcnow()))
    untrusted = [] if cert_req else ["-untrusted", files["tsa"]]
    checked = openssl("ts", "-verify", "-data", document, "-in", reply, "-CAfile", files["cas"], *untrusted)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stderr
    tampered = write(tmp_path / "other.txt", "Đơn xin cấp phép xây dựng (sửa)")
    refused = openssl("ts", "-verify", "-data", tampered, "-in", reply, "-CAfile", files["cas"], *untrusted)
    assert refused.returncode != 0


def _query(nonce=None, algorithm="sha256", length=32, policy=None, cert_req=True) -> bytes:
    request = {"version": "v1", "message_imprint": {"hash_algorithm": {"algorithm": algorithm},
                                                     "hashed_message": b"\x01" * length},
               "cert_req": cert_req}
    if nonce is not None:
        request["nonce"] = nonce
    if policy:
        request["req_policy"] = policy
    return tsp.TimeStampReq(request).dump()


def test_tokens_carry_increasing_serials_the_nonce_the_policy_and_accuracy(tsa):
    now = utcnow()
    infos = [tsp.TimeStampResp.load(tsa.reply(_query(nonce=n), now))["time_stamp_token"]["content"]
             ["encap_content_info"]["content"].parsed for n in (7, 2**70)]
    assert [i["serial_number"].native for i in infos] == [1, 2]
    assert [i["nonce"].native for i in infos] == [7, 2**70]
    assert infos[0]["policy"].native == TSA_POLICY
    assert infos[0]["accuracy"].native == {"seconds": 1, "millis": 500, "micros": None}
    assert infos[0]["gen_time"].native == now
    assert infos[0]["message_imprint"]["hashed_message"].native == b"\x01" * 32


@pytest.mark.parametrize("query, failure", [
    (b"not asn.1 at all", "bad_data_format"),
    (_query(algorithm="sha1", length=20), "bad_alg"),
    (_query(algorithm="md5", length=16), "bad_alg"),
    (_query(length=20), "bad_data_format"),
    (_query(policy="2.999.1"), "unaccepted_policy"),
])
def test_bad_queries_get_a_rejection_reply(tsa, query, failure):
    reply = TimestampReply.load(tsa.reply(query, utcnow()))
    assert reply["status"]["status"].native == "rejection"
    assert reply["status"]["fail_info"].native == {failure}
    assert reply["time_stamp_token"].native is None


def test_certificates_are_embedded_only_when_asked(tsa):
    def certificates(cert_req):
        token = tsp.TimeStampResp.load(tsa.reply(_query(cert_req=cert_req), utcnow()))["time_stamp_token"]
        return token["content"]["certificates"]
    assert not certificates(False)
    assert len(certificates(True)) == 2


# -- the OCSP responder -----------------------------------------------------------------------

class Register:
    """What the certificate table would say: serials issued, and revocations."""

    def __init__(self):
        self.issued, self.revoked = set(), {}

    def __call__(self, serial):
        if serial in self.revoked:
            return ("revoked", *self.revoked[serial])
        return ("good", None, None) if serial in self.issued else ("unknown", None, None)


@pytest.fixture
def register():
    return Register()


@pytest.fixture
def responder(ca, register):
    pair = ca.ocsp_key_pair()
    return OcspResponder(ca.issuing_certificate, pair.certificate, pair.key, register, validity=timedelta(hours=1))


def _ask(responder, files, holder_pem, tmp_path, *, get_form=False):
    holder = write(tmp_path / "holder.pem", holder_pem)
    request = str(tmp_path / "req.der")
    made = openssl("ocsp", "-issuer", files["issuing"], "-cert", holder, "-reqout", request)
    assert made.returncode == 0, made.stderr
    der = (tmp_path / "req.der").read_bytes()
    if get_form:
        import base64
        from urllib.parse import quote
        der = request_from_get_path(quote(base64.b64encode(der).decode(), safe=""))
    response = write(tmp_path / "resp.der", responder.respond(der, utcnow()))
    nonce = openssl("ocsp", "-respin", response, "-CAfile", files["cas"], "-reqin", request)
    assert nonce.returncode == 0 and "Response verify OK" in nonce.stderr, nonce.stderr
    status = openssl("ocsp", "-respin", response, "-CAfile", files["cas"], "-issuer", files["issuing"],
                     "-cert", holder, "-no_nonce")
    assert status.returncode == 0 and "Response verify OK" in status.stderr, status.stderr
    return status.stdout


@needs_openssl
def test_openssl_accepts_good_then_revoked_answers(ca, responder, register, files, tmp_path):
    _, issued = new_holder(ca)
    register.issued.add(int(issued.serial, 16))
    good = _ask(responder, files, issued.pem, tmp_path)
    assert ": good" in good and "Next Update" in good
    revoked_at = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    register.revoked[int(issued.serial, 16)] = (revoked_at, "key_compromise")
    revoked = _ask(responder, files, issued.pem, tmp_path, get_form=True)
    assert ": revoked" in revoked and "Reason: keyCompromise" in revoked
    assert f"Revocation Time: {revoked_at:%b} {revoked_at.day:2d} {revoked_at:%H:%M:%S %Y}" in revoked


@needs_openssl
def test_unknown_serials_are_unknown(ca, responder, files, tmp_path):
    _, issued = new_holder(ca)  # never entered in the register
    assert ": unknown" in _ask(responder, files, issued.pem, tmp_path)


def test_a_question_about_another_issuer_is_unknown_whatever_the_register_says(ca, responder, register):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp

    root = x509.load_pem_x509_certificate(ca.ca_certificates()[0].encode())
    register.issued.add(ca.issuing_certificate.serial_number)  # a serial the register would call good
    request = ocsp.OCSPRequestBuilder().add_certificate(ca.issuing_certificate, root, hashes.SHA1()).build()
    answer = ocsp.load_der_ocsp_response(responder.respond(request.public_bytes(serialization.Encoding.DER),
                                                           utcnow()))
    assert answer.certificate_status == ocsp.OCSPCertStatus.UNKNOWN


def test_malformed_requests_get_malformed_request(responder):
    from cryptography.x509 import ocsp
    for request in (b"garbage", b"", None, request_from_get_path("%%%not-base64!")):
        answer = ocsp.load_der_ocsp_response(responder.respond(request, utcnow()))
        assert answer.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


@pytest.fixture
def responder_over_http(responder):
    """The responder behind a loopback HTTP server: POST (DER body) and GET (base64 in the path)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from services.signatures.ocsp import RESPONSE_MEDIA_TYPE

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, request):
            body = responder.respond(request, utcnow())
            self.send_response(200)
            self.send_header("Content-Type", RESPONSE_MEDIA_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802
            self._answer(self.rfile.read(int(self.headers["Content-Length"])))

        def do_GET(self):  # noqa: N802
            self._answer(request_from_get_path(self.path.removeprefix("/ocsp/")))

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    server.shutdown()
    server.server_close()
    thread.join()


@needs_openssl
def test_openssl_asks_the_responder_over_http(ca, register, files, responder_over_http, tmp_path):
    _, issued = new_holder(ca)
    register.issued.add(int(issued.serial, 16))
    holder = write(tmp_path / "holder.pem", issued.pem)
    asked = openssl("ocsp", "-url", responder_over_http, "-issuer", files["issuing"], "-cert", holder,
                    "-CAfile", files["cas"])  # POST, with a nonce openssl checks
    assert asked.returncode == 0 and "Response verify OK" in asked.stderr, asked.stderr
    assert f"{holder}: good" in asked.stdout


def test_the_get_form_is_answered_over_http(ca, register, responder_over_http):
    import base64
    from urllib.parse import quote
    from urllib.request import urlopen

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp

    _, issued = new_holder(ca)
    leaf = x509.load_pem_x509_certificate(issued.pem.encode())
    register.revoked[leaf.serial_number] = (utcnow().replace(microsecond=0), "superseded")
    request = ocsp.OCSPRequestBuilder().add_certificate(leaf, ca.issuing_certificate, hashes.SHA256()).build()
    path = quote(base64.b64encode(request.public_bytes(serialization.Encoding.DER)).decode(), safe="")
    with urlopen(f"{responder_over_http}/{path}", timeout=10) as reply:
        answer = ocsp.load_der_ocsp_response(reply.read())
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_reason == x509.ReasonFlags.superseded
    assert answer.responder_key_hash is not None  # responder named by key hash
