"""PAdES B-T / B-LT / B-LTA with the city TSA in process, and judging revocation by trusted time."""
import io
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from services.signatures.long_term import (InProcessTimeStamper, PadesLevel, archive_pdf, asn1_certificate,
                                           holder_signer, revocation_context, sign_pdf)
from services.signatures.ocsp import OcspResponder
from services.signatures.profile import KeyAlgorithm
from services.signatures.timestamps import QUERY_MEDIA_TYPE, REPLY_MEDIA_TYPE, InMemorySerials, TimestampAuthority
from services.signatures.trusted_time import validate_with_time, validation_spec
from tests.pki_support import TSA_POLICY, new_holder, open_ca, utcnow
from tests.signatures_support import minimal_pdf


class Register:
    def __init__(self):
        self.issued, self.revoked = set(), {}

    def __call__(self, serial):
        if serial in self.revoked:
            return ("revoked", *self.revoked[serial])
        return ("good", None, None) if serial in self.issued else ("unknown", None, None)


class CityPki:
    """The CA, its TSA and OCSP responder wired as the integration will wire them."""

    def __init__(self, directory):
        self.ca = open_ca(directory)
        self.register = Register()
        tsa, responder = self.ca.tsa_key_pair(), self.ca.ocsp_key_pair()
        self.tsa_certificate = tsa.certificate
        self.register.issued.add(tsa.certificate.serial_number)
        self.tsa = TimestampAuthority(tsa.certificate, tsa.key, TSA_POLICY, InMemorySerials(),
                                      chain=[self.ca.issuing_certificate])
        self.responder = OcspResponder(self.ca.issuing_certificate, responder.certificate, responder.key,
                                       self.register)
        self.timestamper = InProcessTimeStamper(lambda query: self.tsa.reply(query, utcnow()))

    def holder(self, algorithm=KeyAlgorithm.ECDSA_P256):
        key, issued = new_holder(self.ca, algorithm)
        self.register.issued.add(int(issued.serial, 16))
        return key, issued

    def ocsp_for(self, certificate: x509.Certificate) -> bytes:
        request = ocsp.OCSPRequestBuilder().add_certificate(
            certificate, self.ca.issuing_certificate, hashes.SHA1()).build()
        return self.responder.respond(request.public_bytes(serialization.Encoding.DER), utcnow())

    def revinfo(self, *certificates: x509.Certificate) -> dict:
        """What a verifier fetches once per request: OCSP for each certificate, the root's ARL."""
        return {"ocsps": [self.ocsp_for(c) for c in certificates], "crls": [self.ca.authority_revocation_list()]}

    def context(self, *certificates) -> ValidationContext:
        return revocation_context(self.ca.trust_roots_pem(), self.ca.chain_pem()[:1], **self.revinfo(*certificates))

    def spec(self, *certificates):
        return validation_spec(self.ca.trust_roots_pem(), self.ca.chain_pem()[:1], **self.revinfo(*certificates))

    def sign(self, key, issued, level=PadesLevel.B_T, data=None) -> bytes:
        leaf = x509.load_pem_x509_certificate(issued.pem.encode())
        return sign_pdf(data or minimal_pdf(), holder_signer(issued.pem, key, self.ca.chain_pem()[:1]),
                        self.timestamper, level=level, signer_name="Đỗ Văn An",
                        validation_context=self.context(leaf, self.tsa_certificate) if level == PadesLevel.B_LT else None)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return CityPki(tmp_path_factory.mktemp("lt") / "pki-ca")


def _signature(pdf: bytes, index: int = 0):
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[index]


def _verifier_context(pki) -> ValidationContext:
    return ValidationContext(trust_roots=[asn1_certificate(p) for p in pki.ca.trust_roots_pem()],
                             other_certs=[asn1_certificate(p) for p in pki.ca.chain_pem()[:1]], allow_fetching=False)


@pytest.mark.parametrize("algorithm, mechanism", [(KeyAlgorithm.ECDSA_P256, "sha256_ecdsa"),
                                                  (KeyAlgorithm.RSA_3072_PSS, "rsassa_pss")])
def test_b_t_signatures_carry_a_timestamp_pyhanko_trusts(pki, algorithm, mechanism):
    key, issued = pki.holder(algorithm)
    before = utcnow()
    embedded = _signature(pki.sign(key, issued))
    assert embedded.signer_info["signature_algorithm"]["algorithm"].native == mechanism
    status = validate_pdf_signature(embedded, _verifier_context(pki), ts_validation_context=_verifier_context(pki))
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert before - timedelta(seconds=1) <= status.timestamp_validity.timestamp <= utcnow()
    assert status.timestamp_validity.signing_cert.subject.native["common_name"] == "iHanoi Test Time Stamping Authority"


def test_b_lt_embeds_ocsp_answers_for_the_holder_and_the_tsa(pki):
    key, issued = pki.holder()
    signed = pki.sign(key, issued, PadesLevel.B_LT)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(signed)))
    answered = set()
    for item in dss.ocsps:
        basic = ocsp.load_der_ocsp_response(item.get_object().data)
        assert basic.certificate_status == ocsp.OCSPCertStatus.GOOD and basic.next_update_utc is not None
        answered.add(basic.serial_number)
    assert answered == {int(issued.serial, 16), pki.tsa_certificate.serial_number}
    assert len(dss.crls) == 1  # the root's ARL for the issuing CA


def test_b_lt_needs_revocation_data(pki):
    key, issued = pki.holder()
    with pytest.raises(ValueError, match="validation_context"):
        sign_pdf(minimal_pdf(), holder_signer(issued.pem, key, pki.ca.chain_pem()[:1]), pki.timestamper,
                 level=PadesLevel.B_LT)


def _sign_without_timestamp(pki, key, issued) -> bytes:
    metadata = signers.PdfSignatureMetadata(field_name="BB", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(minimal_pdf()), strict=False)
    return signers.PdfSigner(metadata, holder_signer(issued.pem, key, pki.ca.chain_pem()[:1])
                             ).sign_pdf(writer).getvalue()


def test_a_signature_timestamped_before_a_key_compromise_stays_valid_as_of_its_timestamp(pki):
    key, issued = pki.holder()
    leaf = x509.load_pem_x509_certificate(issued.pem.encode())
    timestamped = pki.sign(key, issued, PadesLevel.B_LT)
    untimestamped = _sign_without_timestamp(pki, key, issued)
    time.sleep(1.1)  # revocation times are whole seconds: revoke strictly after the timestamp
    revoked_at = utcnow().replace(microsecond=0)
    pki.register.revoked[leaf.serial_number] = (revoked_at, "key_compromise")
    spec = pki.spec(leaf, pki.tsa_certificate)  # fresh answers: the holder is now revoked

    result = validate_with_time(_signature(timestamped), spec)
    assert result.valid and (result.indication, result.subindication) == ("PASSED", "OK")
    assert result.timestamped and result.best_signature_time < revoked_at

    # For the record: the same key, no timestamp -> pyHanko cannot place the signature before
    # the revocation, so it is INDETERMINATE / REVOKED_NO_POE, never valid.
    without = validate_with_time(_signature(untimestamped), spec)
    assert not without.valid and not without.timestamped
    assert (without.indication, without.subindication) == ("INDETERMINATE", "REVOKED_NO_POE")


def test_a_signature_timestamped_after_the_revocation_is_not_valid(pki):
    key, issued = pki.holder()
    leaf = x509.load_pem_x509_certificate(issued.pem.encode())
    pki.register.revoked[leaf.serial_number] = (utcnow().replace(microsecond=0) - timedelta(minutes=5),
                                                "key_compromise")
    signed = pki.sign(key, issued)
    result = validate_with_time(_signature(signed), pki.spec(leaf, pki.tsa_certificate))
    assert not result.valid and result.subindication == "REVOKED_NO_POE"


def test_b_lta_adds_a_trusted_document_timestamp(pki):
    key, issued = pki.holder()
    signed = pki.sign(key, issued, PadesLevel.B_LT)
    archived = archive_pdf(signed, pki.timestamper, pki.context(pki.tsa_certificate))
    assert archived.startswith(signed)  # an incremental update: the signature still covers its bytes
    reader = PdfFileReader(io.BytesIO(archived))
    signature, document_timestamp = reader.embedded_signatures
    assert document_timestamp.sig_object_type == "/DocTimeStamp"
    status = validate_pdf_timestamp(document_timestamp, validation_context=_verifier_context(pki))
    assert status.valid and status.trusted
    assert validate_pdf_signature(signature, _verifier_context(pki)).intact


def test_a_refusing_tsa_makes_signing_fail_loudly(pki):
    key, issued = pki.holder()
    refusing = TimestampAuthority(pki.tsa_certificate, pki.ca.tsa_key_pair().key, TSA_POLICY,
                                  InMemorySerials())
    stamper = InProcessTimeStamper(lambda query: refusing.reply(b"\x30\x00", utcnow()))
    with pytest.raises(TimestampRequestError, match="bad_data_format"):
        sign_pdf(minimal_pdf(), holder_signer(issued.pem, key, pki.ca.chain_pem()[:1]), stamper)


@pytest.fixture
def tsa_over_http(pki):
    """The TSA behind a loopback HTTP server, as POST /api/v1/ca/tsa will serve it."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            query = self.rfile.read(int(self.headers["Content-Length"]))
            assert self.headers["Content-Type"] == QUERY_MEDIA_TYPE
            reply = pki.tsa.reply(query, utcnow())
            self.send_response(200)
            self.send_header("Content-Type", REPLY_MEDIA_TYPE)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1/ca/tsa"
    server.shutdown()
    server.server_close()
    thread.join()


def test_pyhankos_http_timestamper_accepts_the_tsa(pki, tsa_over_http):
    key, issued = pki.holder()
    signed = sign_pdf(minimal_pdf(), holder_signer(issued.pem, key, pki.ca.chain_pem()[:1]),
                      HTTPTimeStamper(tsa_over_http))
    status = validate_pdf_signature(_signature(signed), _verifier_context(pki),
                                    ts_validation_context=_verifier_context(pki))
    assert status.valid and status.timestamp_validity.trusted
