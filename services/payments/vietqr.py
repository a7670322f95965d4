"""VietQR payloads: the EMVCo merchant-presented QR that every Vietnamese banking app scans.

Written here rather than taken from PyPI: the Python packages for it (vietnam-qr-pay,
vietqr-emvco, napas-qr-python, vietqr-generator, vnqr) are single-release ports with few
users, and the format is a dozen TLV fields. The CRC is CRC-16/CCITT-FALSE, which is the
standard library's `binascii.crc_hqx` started at 0xFFFF; the tests check it against `crcmod`
and against VietQR strings published by NAPAS members' libraries and payment providers.

Layout (NAPAS IBFT over VietQR):
  00 payload format "01" · 01 point of initiation "12" dynamic (amount fixed) / "11" static
  38 merchant account: 00 GUID A000000727 · 01 (00 acquirer BIN · 01 account) · 02 QRIBFTTA
  53 currency 704 · 54 amount · 58 country VN · 62 additional data: 08 purpose (the reference
  the payer's bank puts in the transfer's content, which the statement then carries) · 63 CRC
"""
from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
TRANSFER_TO_ACCOUNT = "QRIBFTTA"
DYNAMIC, STATIC = "12", "11"
VND = "704"
MAX_REFERENCE = 25
_BIN = re.compile(r"^\d{6}$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9]{1,19}$")


@dataclass(frozen=True)
class VietQR:
    bank_bin: str
    account: str
    amount_vnd: int | None
    reference: str | None


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor)."""
    return binascii.crc_hqx(data, 0xFFFF)


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def payment_reference(text: str) -> str:
    """What a payer's bank keeps of a transfer's content: ASCII letters, digits and spaces."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(" " if c.isspace() else c for c in folded if c.isascii() and (c.isalnum() or c.isspace()))
    return " ".join(plain.split())[:MAX_REFERENCE]


def vietqr_payload(*, bank_bin: str, account: str, amount_vnd: int | None, reference: str | None = None) -> str:
    """A VietQR string for a transfer to `account` at `bank_bin`, with its CRC."""
    if not _BIN.match(bank_bin) or not _ACCOUNT.match(account):
        raise ValueError("a VietQR needs a 6-digit acquirer BIN and an account of 1-19 letters or digits")
    if amount_vnd is not None and not 0 < amount_vnd < 10**13:
        raise ValueError(f"amount {amount_vnd} VND cannot be in a VietQR")
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", TRANSFER_TO_ACCOUNT)
    body = (_tlv("00", "01") + _tlv("01", STATIC if amount_vnd is None else DYNAMIC) + _tlv("38", merchant)
            + _tlv("53", VND) + (_tlv("54", str(amount_vnd)) if amount_vnd is not None else "")
            + _tlv("58", "VN"))
    if reference and (purpose := payment_reference(reference)):
        body += _tlv("62", _tlv("08", purpose))
    return with_crc(body)


def with_crc(body: str) -> str:
    head = body + "6304"
    return f"{head}{crc16(head.encode('utf-8')):04X}"


def fields(payload: str) -> dict[str, str]:
    """The top-level (or a template's) TLV fields, in order."""
    found, at = {}, 0
    while at < len(payload):
        tag, size = payload[at:at + 2], payload[at + 2:at + 4]
        if not size.isdigit() or at + 4 + int(size) > len(payload):
            raise ValueError(f"not a TLV string at position {at}")
        found[tag] = payload[at + 4:at + 4 + int(size)]
        at += 4 + int(size)
    return found


def crc_ok(payload: str) -> bool:
    """The CRC in tag 63 (case-insensitive hex) matches everything before it."""
    return (len(payload) > 8 and payload[-8:-4] == "6304"
            and payload[-4:].upper() == f"{crc16(payload[:-4].encode('utf-8')):04X}")


def read_vietqr(payload: str) -> VietQR:
    """Parse a VietQR string (checking its CRC) back into who is paid, how much, for what."""
    if not crc_ok(payload):
        raise ValueError("the VietQR CRC does not match")
    top = fields(payload)
    merchant = fields(top["38"])
    if merchant.get("00") != NAPAS_GUID:
        raise ValueError("not a NAPAS VietQR")
    beneficiary = fields(merchant["01"])
    extra = fields(top["62"]) if "62" in top else {}
    return VietQR(bank_bin=beneficiary["00"], account=beneficiary["01"],
                  amount_vnd=int(top["54"]) if "54" in top else None, reference=extra.get("08"))
