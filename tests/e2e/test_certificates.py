"""Issued certificates: a real chain to the city root, revocation on a CRL, renewal."""
import os
import shutil
import subprocess
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from services.clock import clock
from tests.signatures_support import OTHER_COUNTER_AGENCY, counter_officer, issued_certificate


def _certificate(client, citizen, serial):
    items = client.get("/api/v1/me/certificates", headers=citizen.headers).json["items"]
    return next(c for c in items if c["serial"] == serial)


def test_issued_certificate_chains_to_the_city_root(client, app, people, catalogues):
    citizen, _, serial = issued_certificate(client, people)
    body = _certificate(client, citizen, serial)
    leaf = x509.load_pem_x509_certificate(body["pem"].encode())
    issuing_pem, root_pem = app.extensions["runtime"].authority.chain_pem()
    issuing = x509.load_pem_x509_certificate(issuing_pem.encode())
    root = x509.load_pem_x509_certificate(root_pem.encode())
    leaf.verify_directly_issued_by(issuing)
    issuing.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)
    assert format(leaf.serial_number, "X") == serial == serial.upper()
    assert leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == citizen.national_id
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == citizen.full_name
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert timedelta(days=364) < leaf.not_valid_after_utc - leaf.not_valid_before_utc <= timedelta(days=365)
    assert body["status"] == "valid" and body["subject"].startswith("2.5.4.5=" + citizen.national_id)


def test_serials_are_unique(client, people, catalogues):
    serials = {issued_certificate(client, people)[2] for _ in range(3)}
    assert len(serials) == 3


def test_revocation_by_the_holder_and_the_crl(client, app, people, catalogues, tmp_path):
    citizen, _, serial = issued_certificate(client, people)
    stranger = people.citizen()
    url = f"/api/v1/certificates/{serial}/revoke"
    assert client.post(url, json={"reason": "key_compromise"}, headers=stranger.headers).status_code == 404
    bad_reason = client.post(url, json={"reason": "because"}, headers=citizen.headers)
    assert bad_reason.status_code == 422 and "reason" in bad_reason.json["errors"]
    revoked = client.post(url, json={"reason": "key_compromise"}, headers=citizen.headers)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert revoked.json["revocation_reason"] == "key_compromise" and revoked.json["revoked_at"]
    again = client.post(url, json={"reason": "unspecified"}, headers=citizen.headers)
    assert again.status_code == 409 and again.json["code"] == "invalid_transition"
    assert again.json["current"] == "revoked" and again.json["allowed"] == []

    answer = client.get("/api/v1/ca/crl")
    assert answer.status_code == 200 and answer.mimetype == "application/pkix-crl"
    crl = x509.load_der_x509_crl(answer.data)
    issuing = x509.load_pem_x509_certificate(app.extensions["runtime"].authority.chain_pem()[0].encode())
    assert crl.is_signature_valid(issuing.public_key())
    entry = crl.get_revoked_certificate_by_serial_number(int(serial, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert crl.next_update_utc > clock.now()
    if shutil.which("openssl"):
        path = tmp_path / "city.crl"
        path.write_bytes(answer.data)
        text = subprocess.run(["openssl", "crl", "-inform", "DER", "-noout", "-text", "-in", str(path)],
                              capture_output=True, text=True, check=True).stdout
        assert serial in text.replace(":", "").upper()
        assert "Key Compromise" in text


def test_an_officer_at_any_counter_may_revoke_another_citizen_may_not(client, people, catalogues):
    citizen, _, serial = issued_certificate(client, people)
    elsewhere = counter_officer(people, OTHER_COUNTER_AGENCY)  # the holder asks at the nearest counter
    url = f"/api/v1/certificates/{serial}/revoke"
    assert client.post(url, json={"reason": "key_compromise"}, headers=people.citizen().headers).status_code == 404
    assert client.post(url, json={"reason": "key_compromise"},
                       headers=people.staff("analyst").headers).status_code == 403
    done = client.post(url, json={"reason": "key_compromise"}, headers=elsewhere.headers)
    assert done.status_code == 200 and done.json["status"] == "revoked"
    # Staff never see a full ID number: masked in the subject, and no PEM (which carries it).
    assert citizen.national_id not in done.get_data(as_text=True) and done.json["pem"] is None
    assert f"********{citizen.national_id[-4:]}" in done.json["subject"]
    inbox = client.get("/api/v1/me/notifications", headers=citizen.headers).json["items"]
    assert inbox[0]["kind"] == "certificate_revoked"


@pytest.fixture
def later():
    """Move the signature rules' clock: later(days=340) is 340 days after the wall clock."""
    def move(**delta):
        clock.thaw()
        clock.move(**delta)

    return move


def test_renewal_from_30_days_before_expiry(client, people, catalogues, later):
    citizen, _, serial = issued_certificate(client, people)
    url = f"/api/v1/certificates/{serial}/renew"
    early = client.post(url, headers=citizen.headers)
    assert early.status_code == 422 and early.json["code"] == "renewal_too_early"
    assert early.json["renewable_from"]
    listed = _certificate(client, citizen, serial)  # ISO 8601 like every other date, not an HTTP date
    assert listed["renewable_from"] == early.json["renewable_from"]
    assert client.post(url, headers=people.citizen().headers).status_code == 404
    later(days=340)
    renewed = client.post(url, headers=citizen.headers)
    assert renewed.status_code == 201, renewed.json
    assert renewed.json["serial"] != serial and renewed.json["status"] == "valid"
    old = _certificate(client, citizen, serial)
    assert old["status"] == "revoked" and old["revocation_reason"] == "superseded"
    assert client.post(url, headers=citizen.headers).status_code == 409  # a superseded one is revoked


def test_expiry_is_computed_and_an_expired_certificate_cannot_renew(client, people, catalogues, later):
    citizen, _, serial = issued_certificate(client, people)
    later(days=366)
    assert _certificate(client, citizen, serial)["status"] == "expired"
    answer = client.post(f"/api/v1/certificates/{serial}/renew", headers=citizen.headers)
    assert answer.status_code == 409 and answer.json["current"] == "expired"
    revoke = client.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "unspecified"},
                         headers=citizen.headers)
    assert revoke.status_code == 409
    challenge = client.post("/api/v1/signatures/challenges", headers=citizen.headers)
    assert challenge.status_code == 409 and challenge.json["code"] == "certificate_not_valid"
    assert challenge.json["current"] == "expired"


def test_validity_is_a_setting_of_at_most_five_years(make_app):
    from services.settings import ConfigError

    with pytest.raises(ConfigError, match="SIGNATURE_CERT_VALIDITY_DAYS"):
        make_app(SIGNATURE_CERT_VALIDITY_DAYS=6 * 365)
    app = make_app(SIGNATURE_CERT_VALIDITY_DAYS=730)
    assert app.extensions["runtime"].authority._validity == timedelta(days=730)


def test_production_never_generates_ca_or_key(make_app, tmp_path, monkeypatch):
    from dataclasses import replace

    from api.runtime import certificate_authority, key_vault
    from services.settings import ConfigError, Settings

    app = make_app()
    # nothing generated here yet
    production = replace(app.extensions["runtime"].settings, app_env="production", instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match="SIGNATURE_CA_DIR"):
        certificate_authority(production)
    with pytest.raises(ConfigError, match="SIGNATURE_KEY_ENCRYPTION_KEY"):
        key_vault(production)
    assert not (tmp_path / "city-ca").exists() and not (tmp_path / "signature_kek.bin").exists()
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SIGNATURE_CA_DIR, SIGNATURE_KEY_ENCRYPTION_KEY"):
        Settings.load(os.environ, instance_path=str(tmp_path))


def test_holder_keys_are_sealed_at_rest(client, app, people, catalogues, db_session):
    from models.signatures import Certificate, CertificateKey

    citizen, _, serial = issued_certificate(client, people)
    certificate = db_session.query(Certificate).filter_by(serial=serial).one()
    sealed = db_session.get(CertificateKey, certificate.id)
    assert b"PRIVATE KEY" not in sealed.ciphertext and len(sealed.ciphertext) > 100  # a P-256 PKCS#8, sealed
    from services.signatures.key_vault import SealedKey

    key = app.extensions["runtime"].vault.open(SealedKey(sealed.key_id, sealed.ciphertext), serial)
    leaf = x509.load_pem_x509_certificate(certificate.pem.encode())
    assert key.private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == leaf.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
