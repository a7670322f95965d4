"""VietQR strings as banking apps read them, checked against published examples and crcmod."""
from __future__ import annotations

import crcmod.predefined
import pytest
from hypothesis import given, strategies as st

from services.payments.vietqr import (VietQR, crc16, crc_ok, fields, payment_reference, read_vietqr,
                                      vietqr_payload)

# Published strings: the vietnam-qr-pay README (static and dynamic), a payOS order QR and an
# app's checkout QR found in public repositories. Each was made by another implementation.
PUBLISHED = [
    ("00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F",
     VietQR("970416", "257678859", None, None)),
    ("00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN"
     "62150811Chuyen tien630453E6", VietQR("970416", "257678859", 10000, "Chuyen tien")),
    ("00020101021238590010A000000727012900069704180115V3CAS62627239240208QRIBFTTA530370454063750005802VN"
     "62250821CSPZKHEL6A2 NTK O000463044729", VietQR("970418", "V3CAS6262723924", 375000, "CSPZKHEL6A2 NTK O0004")),
    ("00020101021238570010A000000727012700069704220113VQRQACLNP26800208QRIBFTTA530370454061000005802VN"
     "62270823Thanh toan don hang ABC6304CE4C", None),
]
CCITT_FALSE = crcmod.predefined.mkPredefinedCrcFun("crc-ccitt-false")


@pytest.mark.parametrize("published, _", PUBLISHED)
def test_the_crc_of_published_strings_is_what_we_compute(published, _):
    assert crc_ok(published)
    assert f"{crc16(published[:-4].encode()):04X}" == published[-4:]
    assert not crc_ok(published[:-5] + ("0" if published[-5] != "0" else "1") + published[-4:])


@pytest.mark.parametrize("published, parsed", [p for p in PUBLISHED if p[1]])
def test_we_build_the_published_strings_byte_for_byte(published, parsed):
    assert read_vietqr(published) == parsed
    assert vietqr_payload(bank_bin=parsed.bank_bin, account=parsed.account, amount_vnd=parsed.amount_vnd,
                          reference=parsed.reference) == published


@given(st.binary(max_size=300))
def test_the_crc_is_crc16_ccitt_false_as_crcmod_computes_it(data):
    assert crc16(data) == CCITT_FALSE(data)


def test_the_check_value_of_crc16_ccitt_false():
    assert crc16(b"123456789") == 0x29B1 == CCITT_FALSE(b"123456789")


def test_a_fee_payload_has_every_field_a_bank_app_needs():
    payload = vietqr_payload(bank_bin="970415", account="113366668888", amount_vnd=1_250_000,
                             reference="Lệ phí HS 000.00.12.H26-261130-0001")
    top = fields(payload)
    assert list(top) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert (top["00"], top["01"], top["53"], top["54"], top["58"]) == ("01", "12", "704", "1250000", "VN")
    merchant = fields(top["38"])
    assert merchant == {"00": "A000000727", "01": "0006970415" "0112113366668888", "02": "QRIBFTTA"}
    # folded to ASCII and cut to 25: the integration should use a short payment code
    assert fields(top["62"]) == {"08": "Le phi HS 0000012H2626113"}
    assert read_vietqr(payload) == VietQR("970415", "113366668888", 1_250_000, "Le phi HS 0000012H2626113")


def test_a_reference_is_what_a_bank_keeps_of_a_transfer_content():
    assert payment_reference("Đóng phí hồ sơ số 12") == "Dong phi ho so so 12"
    assert payment_reference("  a\n\tb  ") == "a b"
    assert payment_reference("x" * 40) == "x" * 25
    assert "62" not in fields(vietqr_payload(bank_bin="970415", account="1", amount_vnd=1, reference="!!!"))


@pytest.mark.parametrize("kwargs", [
    {"bank_bin": "97041", "account": "1", "amount_vnd": 1},
    {"bank_bin": "970415", "account": "12-34", "amount_vnd": 1},
    {"bank_bin": "970415", "account": "1" * 20, "amount_vnd": 1},
    {"bank_bin": "970415", "account": "1", "amount_vnd": 0},
    {"bank_bin": "970415", "account": "1", "amount_vnd": 10**13},
])
def test_what_no_bank_could_read_is_refused(kwargs):
    with pytest.raises(ValueError):
        vietqr_payload(**kwargs)


def test_a_string_with_a_wrong_crc_or_not_from_napas_is_not_read():
    good = vietqr_payload(bank_bin="970415", account="1", amount_vnd=5)
    with pytest.raises(ValueError):
        read_vietqr(good.replace("54015", "54016"))
    with pytest.raises(ValueError):
        read_vietqr("00020101021226140010A0000007755802VN6304" + "0000")
