"""Pure rules: appointment days, the move table, the local CA and the key vault."""
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone

import pytest
from cryptography import x509

from models.signatures import SignatureRequest, SignatureRequestStatus
from services.errors import InvalidTransition, ValidationFailed
from services.signatures import appointments, workflow
from services.signatures.authority import CertificateSubject, RevokedEntry
from services.signatures.key_vault import KeyUnavailable, KeyVault
from services.signatures.local_ca import LocalCertificateAuthority

# 2026-08-20 is a Thursday, 07:00 in Hanoi.
NOW = datetime(2026, 8, 20, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("day, code", [
    (date(2026, 8, 19), "appointment_in_past"),
    (date(2026, 8, 23), "appointment_not_business_day"),  # Sunday
    (date(2026, 9, 2), "appointment_not_business_day"),   # National Day
    (date(2026, 8, 31), "appointment_not_business_day"),  # day off in lieu
    (date(2026, 9, 21), "appointment_too_far"),
])
def test_bad_appointment_days(day, code):
    with pytest.raises(ValidationFailed) as caught:
        appointments.check_appointment(day, NOW)
    assert caught.value.code == code and "appointment_date" in caught.value.errors


@pytest.mark.parametrize("day", [date(2026, 8, 20), date(2026, 8, 21), date(2026, 9, 18),
                                 date(2026, 8, 22)])  # 22 Aug 2026: a Saturday worked in lieu
def test_good_appointment_days(day):
    appointments.check_appointment(day, NOW)


def test_today_is_hanoi_today():
    late_evening_utc = datetime(2026, 8, 20, 18, 0, tzinfo=timezone.utc)  # already 21 Aug in Hanoi
    assert appointments.local_today(late_evening_utc) == date(2026, 8, 21)
    with pytest.raises(ValidationFailed):
        appointments.check_appointment(date(2026, 8, 20), late_evening_utc)


def test_every_state_is_in_the_table_and_illegal_moves_say_what_is_allowed():
    states = {state for move in workflow.REQUEST_MOVES for state in move}
    assert states <= set(SignatureRequestStatus)
    request = SignatureRequest(status="issued")
    with pytest.raises(InvalidTransition) as caught:
        workflow.move(None, request, "cancelled", actor_id=None, actor_role="owner")
    assert caught.value.extra == {"current": "issued", "allowed": []}
    with pytest.raises(InvalidTransition) as caught:
        workflow.move(None, SignatureRequest(status="submitted"), "issued", actor_id=None, actor_role="officer")
    assert caught.value.extra["allowed"] == ["approved", "rejected", "cancelled"]


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ca") / "city-ca"
    return LocalCertificateAuthority.open(str(directory), create_if_missing=True, now=NOW,
                                          validity=timedelta(days=90))


def test_the_ca_issues_with_the_configured_validity_and_signs_a_crl(authority, tmp_path):
    key = KeyVault.new_key()
    issued = authority.issue(CertificateSubject("Đỗ Văn An", "001090001234"), key.public_pem, not_before=NOW)
    leaf = x509.load_pem_x509_certificate(issued.pem.encode())
    assert leaf.not_valid_after_utc - leaf.not_valid_before_utc == timedelta(days=90)
    der = authority.crl([RevokedEntry(issued.serial, NOW + timedelta(hours=1), "superseded")],
                        now=NOW + timedelta(hours=2))
    crl = x509.load_der_x509_crl(der)
    issuing = x509.load_pem_x509_certificate(authority.chain_pem()[0].encode())
    assert crl.is_signature_valid(issuing.public_key())
    assert crl.get_revoked_certificate_by_serial_number(leaf.serial_number).revocation_date_utc == \
        NOW + timedelta(hours=1)
    if shutil.which("openssl"):
        path = tmp_path / "x.crl"
        path.write_bytes(der)
        out = subprocess.run(["openssl", "crl", "-inform", "DER", "-noout", "-text", "-in", str(path)],
                             capture_output=True, text=True, check=True).stdout
        assert issued.serial in out.replace(":", "").upper() and "Superseded" in out


def test_the_ca_is_created_once_and_reopened(authority, tmp_path_factory):
    root_before = authority.trust_roots_pem()
    directory = tmp_path_factory.getbasetemp()
    reopened = [p for p in directory.rglob("city-ca")][0]
    again = LocalCertificateAuthority.open(str(reopened), create_if_missing=True, now=NOW,
                                           validity=timedelta(days=90))
    assert again.trust_roots_pem() == root_before


def test_sealed_keys_open_only_with_their_key_and_serial():
    vault, other = KeyVault(b"k" * 32), KeyVault(b"o" * 32)
    key = vault.new_key()
    sealed = vault.seal(key, "ABC123")
    assert vault.open(sealed, "ABC123").pkcs8_der == key.pkcs8_der
    with pytest.raises(KeyUnavailable):
        vault.open(sealed, "ABC124")
    with pytest.raises(KeyUnavailable):
        other.open(sealed, "ABC123")
