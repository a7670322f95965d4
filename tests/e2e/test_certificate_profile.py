"""Keys and profile per Circular 15/2025: ECDSA P-256 by default, RSA-3072 signing with
RSASSA-PSS as a setting; key usage, policy, CRL and OCSP access in every new certificate."""
import io
from dataclasses import replace

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID

from api.runtime import certificate_authority
from tests.signatures_support import issued_certificate, minimal_pdf, sign, verify

POLICY = "1.3.6.1.4.1.99999.1.1"
OCSP = "http://127.0.0.1/api/v1/ca/ocsp"
ISSUER = "http://127.0.0.1/api/v1/ca/certificates"


def _certificate(client, citizen) -> x509.Certificate:
    mine = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"][0]
    return x509.load_pem_x509_certificate(mine["pem"].encode())


def test_new_certificates_are_ecdsa_p256_with_signing_key_usage(client, people, catalogues):
    citizen, _, _ = issued_certificate(client, people)
    certificate = _certificate(client, citizen)
    key = certificate.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    signed = sign(client, citizen, minimal_pdf())
    assert signed.status_code == 200 and verify(client, signed.data).json["valid"] is True


def test_rsa_3072_signs_with_pss_and_the_profile_names_policy_ocsp_and_issuer(client, app, people, catalogues,
                                                                              monkeypatch):
    rt = app.extensions["runtime"]
    settings = replace(rt.settings, signature_key_algorithm="rsa-3072-pss", signature_policy_oid=POLICY,
                       signature_ocsp_url=OCSP, signature_ca_issuers_url=ISSUER,
                       signature_crl_url="http://127.0.0.1/api/v1/ca/crl")
    monkeypatch.setattr(rt, "settings", settings)
    monkeypatch.setattr(rt, "authority", certificate_authority(settings))
    citizen, _, _ = issued_certificate(client, people)
    certificate = _certificate(client, citizen)
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 3072
    policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == [POLICY]
    access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert {(a.access_method, a.access_location.value) for a in access} == {
        (AuthorityInformationAccessOID.OCSP, OCSP), (AuthorityInformationAccessOID.CA_ISSUERS, ISSUER)}
    assert certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    signed = sign(client, citizen, minimal_pdf())
    assert signed.status_code == 200
    embedded = PdfFileReader(io.BytesIO(signed.data)).embedded_signatures[0]
    assert embedded.signer_info["signature_algorithm"]["algorithm"].native == "rsassa_pss"
    assert verify(client, signed.data).json["valid"] is True
