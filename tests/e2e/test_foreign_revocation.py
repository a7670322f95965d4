"""Revocation under another imported root (issue 14, point 8): the verifier asks the signer's
certificate's own CRL distribution point, here a second CA made in the test whose CRL a real
HTTP server on loopback serves. Revoked verifies as revoked, unrevoked as valid, an address
that does not answer as unknown (never valid), and one request fetches the CRL once."""
import os
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from devservers.loopback import LoopbackServer
from services.clock import clock
from services.signatures import local_ca
from services.signatures.authority import CertificateSubject, RevokedEntry
from services.signatures.local_ca import LocalCertificateAuthority
from services.signatures.profile import new_holder_key
from services.signatures.signing import pades_sign
from tests.signatures_support import minimal_pdf, verify


class CrlPublisher:
    """The other CA's CRL distribution point: a WSGI app counting what it serves."""

    def __init__(self):
        self.authority, self.revoked, self.fetches = None, [], 0

    def __call__(self, environ, respond):
        self.fetches += 1
        crl = self.authority.crl(self.revoked, now=clock.now())
        respond("200 OK", [("Content-Type", "application/pkix-crl"), ("Content-Length", str(len(crl)))])
        return [crl]


@pytest.fixture
def other_ca(tmp_path, monkeypatch):
    """(the CA, its CRL publisher, the loopback server): a licensed CA that is not the city's."""
    publisher = CrlPublisher()
    server = LoopbackServer(publisher).start()
    monkeypatch.setattr(local_ca, "_name", lambda common_name: x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, f"Other {common_name}")]))
    publisher.authority = LocalCertificateAuthority.open(
        os.path.join(tmp_path, "other-ca"), create_if_missing=True, now=clock.now() - timedelta(hours=1),
        validity=timedelta(days=30), crl_url=f"{server.base_url}/other.crl")
    yield publisher.authority, publisher, server
    server.stop()


def _signed_by(authority, name: str, national_id: str, times: int = 1) -> tuple[bytes, str]:
    key = new_holder_key()
    issued = authority.issue(CertificateSubject(name, national_id), key.public_pem,
                             not_before=clock.now() - timedelta(hours=1))
    pdf = minimal_pdf()
    for _ in range(times):
        pdf = pades_sign(pdf, issued.pem, authority.chain_pem(), key, name)
    return pdf, issued.serial


def _trust(runner, tmp_path, authority) -> None:
    path = tmp_path / "other-root.pem"
    path.write_text(authority.trust_roots_pem()[0])
    assert runner.invoke(args=["ca", "trust", "import", str(path)]).exit_code == 0


def test_revoked_by_the_other_cas_crl_verifies_as_revoked_and_unrevoked_as_valid(runner, client, other_ca,
                                                                                tmp_path):
    authority, publisher, _ = other_ca
    _trust(runner, tmp_path, authority)
    good, _ = _signed_by(authority, "Trần Văn Bình", "001190008888")
    bad, bad_serial = _signed_by(authority, "Lê Thị Cúc", "001190007777")
    publisher.revoked.append(RevokedEntry(bad_serial, (clock.now() - timedelta(minutes=5)).replace(microsecond=0),
                                          "key_compromise"))

    fine = verify(client, good).json
    assert fine["valid"] is True and fine["revocation_status"] == "good" and fine["revoked"] is False
    assert "Other iHanoi Test Root CA" in fine["trust_anchor"]

    revoked = verify(client, bad).json
    assert revoked["valid"] is False and revoked["status"] == "invalid"
    assert revoked["revocation_status"] == "revoked_without_trusted_time"
    assert revoked["revocation_reason"] == "key_compromise" and revoked["revoked_at"]
    assert "key_compromised" in revoked["problems"]


def test_one_request_fetches_the_crl_once_and_a_silent_address_is_unknown_not_valid(runner, client, other_ca,
                                                                                   tmp_path):
    authority, publisher, server = other_ca
    _trust(runner, tmp_path, authority)
    twice, _ = _signed_by(authority, "Trần Văn Bình", "001190008888", times=2)
    report = verify(client, twice).json
    assert [s["valid"] for s in report["signatures"]] == [True, True]
    assert publisher.fetches == 1

    server.stop()  # the distribution point no longer answers
    unknown = verify(client, twice).json
    assert unknown["valid"] is False and unknown["status"] == "indeterminate"
    assert unknown["revocation_status"] == "unknown" and "revocation_status_unknown" in unknown["problems"]


def _timestamped_by(authority, name: str, national_id: str) -> tuple[bytes, str]:
    """A B-T signature of the other CA's holder, timestamped by that CA's own TSA."""
    from services.signatures.long_term import InProcessTimeStamper, PadesLevel, holder_signer, sign_pdf
    from services.signatures.timestamps import InMemorySerials, TimestampAuthority

    key = new_holder_key()
    issued = authority.issue(CertificateSubject(name, national_id), key.public_pem,
                             not_before=clock.now() - timedelta(hours=1))
    pair = authority.tsa_key_pair()
    tsa = TimestampAuthority(pair.certificate, pair.key, "2.999.15.2025.2", InMemorySerials(),
                             chain=[authority.issuing_certificate])
    stamper = InProcessTimeStamper(lambda query: tsa.reply(query, clock.now()))
    signed = sign_pdf(minimal_pdf(), holder_signer(issued.pem, key, authority.chain_pem()[:1]), stamper,
                      level=PadesLevel.B_T, signer_name=name)
    return signed, issued.serial


def test_revoked_after_its_timestamp_is_valid_and_said_so_each_signature_validated_once(
        runner, client, other_ca, tmp_path, wall_clock, monkeypatch):
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    authority, publisher, _ = other_ca
    _trust(runner, tmp_path, authority)
    signed, serial = _timestamped_by(authority, "Lê Thị Cúc", "001190007777")
    wall_clock.move(seconds=5)
    publisher.revoked.append(RevokedEntry(serial, (clock.now() - timedelta(seconds=2)).replace(microsecond=0),
                                          "key_compromise"))
    validated = []  # every pyHanko validation of a signature starts by computing its integrity
    integrity = EmbeddedPdfSignature.compute_integrity_info
    monkeypatch.setattr(EmbeddedPdfSignature, "compute_integrity_info",
                        lambda self, *a, **k: validated.append(1) or integrity(self, *a, **k))

    report = verify(client, signed).json
    assert report["valid"] is True and report["signed_at_source"] == "timestamp"
    assert report["revoked"] is False and report["revocation_status"] == "revoked_after_signing"
    assert report["revocation_reason"] == "key_compromise" and report["revoked_at"]
    assert report["revocation_source"] == "crl" and "Other iHanoi Test Root CA" in report["trust_anchor"]
    assert len(validated) == 1  # the signature is validated once; its chain is then asked about revocation
    assert publisher.fetches == 1  # asked at the timestamp and now: one fetch
