"""A signature container whose SignerInfo is 3,456 bytes long is encoded once, not re-encoded
exponentially (asn1crypto issue 249, fixed in services/signatures/asn1_lengths.py)."""
from __future__ import annotations

import hashlib

import pytest
from asn1crypto import algos, cms, core, tsp, x509

import services.signatures  # noqa: F401  installs the fix, as every signing path does

ISSUER = x509.Name.build({"country_name": "VN", "organization_name": "Thành phố Hà Nội",
                          "common_name": "iHanoi City CA"})


def _signing_certificate_v2() -> cms.CMSAttribute:
    """The ESS attribute pyHanko puts in every PAdES signature: its hash algorithm is a DEFAULT."""
    issuer_serial = tsp.IssuerSerial({"issuer": [x509.GeneralName("directory_name", ISSUER)],
                                      "serial_number": 0x1234567890ABCDEF})
    cert_id = tsp.ESSCertIDv2({"hash_algorithm": {"algorithm": "sha256"},
                               "cert_hash": hashlib.sha256(b"holder").digest(), "issuer_serial": issuer_serial})
    return cms.CMSAttribute({"type": "signing_certificate_v2",
                             "values": [tsp.SigningCertificateV2({"certs": [cert_id]})]})


def _signer_info(signature_length: int) -> cms.SignerInfo:
    return cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier("issuer_and_serial_number",
                                    {"issuer": ISSUER, "serial_number": 0x1234567890ABCDEF}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": [cms.CMSAttribute({"type": "content_type", "values": ["data"]}), _signing_certificate_v2()],
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        "signature": b"\x01" * signature_length,
    })


def _signer_info_ending_in_0x80() -> cms.SignerInfo:
    """A SignerInfo as read back from DER whose definite length is 3,456 bytes (`30 82 0d 80`)."""
    base = len(_signer_info(3000).dump()) - 3000
    der = _signer_info(3456 - (base - 4)).dump()
    assert der[:4] == bytes.fromhex("30820d80")
    return cms.SignerInfo.load(der)


@pytest.fixture
def encodings(monkeypatch):
    """How many times a structure re-encodes its children."""
    counted = {"n": 0}
    original = core.Sequence._set_contents

    def counting(self, force=False):
        counted["n"] += 1
        return original(self, force)

    monkeypatch.setattr(core.Sequence, "_set_contents", counting)
    return counted


def test_a_container_around_a_3456_byte_signer_info_is_encoded_a_bounded_number_of_times(encodings):
    signer_info = _signer_info_ending_in_0x80()
    encodings["n"] = 0
    container = cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData({
        "version": "v1", "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": "data"}, "signer_infos": [signer_info]})})
    der = container.dump()
    assert encodings["n"] < 50  # thousands without the fix, growing by a factor with each level
    assert cms.ContentInfo.load(der)["content"]["signer_infos"][0].dump() == signer_info.dump()


def test_a_value_read_with_an_indefinite_length_is_still_re_encoded_as_der():
    ber = bytes.fromhex("3080020230390000")  # SEQUENCE, indefinite length, INTEGER 12345, end of contents

    class Holder(core.Sequence):
        _fields = [("value", core.Integer)]

    assert Holder.load(ber).dump() == bytes.fromhex("300402023039")
