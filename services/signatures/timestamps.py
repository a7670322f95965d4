"""An RFC 3161 timestamp authority: a TimeStampReq (DER) in, a TimeStampResp (DER) out.

The token is a CMS SignedData over the TSTInfo, signed with the city CA's TSA key, carrying
the ESS signing-certificate-v2 attribute (RFC 5816). Serials come from `next_serial`, which
the caller backs with something monotonic (a database sequence); `InMemorySerials` serves
tests. A query that cannot be answered gets a rejection reply, never an exception.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute

QUERY_MEDIA_TYPE = "application/timestamp-query"
REPLY_MEDIA_TYPE = "application/timestamp-reply"

# Imprint algorithm -> digest length; anything else is badAlg.
IMPRINT_LENGTHS = {"sha256": 32, "sha384": 48, "sha512": 64}


class InMemorySerials:
    """A thread-safe increasing serial for tests; production backs `next_serial` with the database."""

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            return next(self._counter)


class Rejected(Exception):
    def __init__(self, failure: str, text: str) -> None:
        super().__init__(text)
        self.failure, self.text = failure, text


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _signature(key, data: bytes) -> tuple[bytes, str]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256())), "sha256_ecdsa"
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256()), "sha256_rsa"
    raise TypeError(f"unsupported TSA key {type(key).__name__}")


def _parse(query: bytes, policy: str) -> tsp.TimeStampReq:
    try:
        request = tsp.TimeStampReq.load(query, strict=True)
        request.native  # noqa: B018  (parses every field: a malformed one raises here)
    except (ValueError, TypeError) as exc:
        raise Rejected("bad_data_format", f"not a TimeStampReq: {exc}") from exc
    if request["version"].native != "v1":
        raise Rejected("bad_request", "only version 1 requests are answered")
    imprint = request["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in IMPRINT_LENGTHS:
        raise Rejected("bad_alg", f"unsupported hash algorithm {algorithm}")
    if len(imprint["hashed_message"].native) != IMPRINT_LENGTHS[algorithm]:
        raise Rejected("bad_data_format", "the imprint length does not match its algorithm")
    if request["req_policy"].native not in (None, policy):
        raise Rejected("unaccepted_policy", f"only policy {policy} is served")
    if request["extensions"].native:
        raise Rejected("unaccepted_extensions", "no request extensions are supported")
    return request


class TimestampReply(core.Sequence):
    """RFC 3161 TimeStampResp; asn1crypto's own makes the token mandatory, so a rejection
    could be neither written nor read with it."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


def _rejection(failure: str, text: str) -> bytes:
    return TimestampReply({"status": tsp.PKIStatusInfo({
        "status": "rejection", "status_string": [text], "fail_info": tsp.PKIFailureInfo({failure})})}).dump()


@dataclass
class TimestampAuthority:
    """Answers RFC 3161 queries with tokens signed by `certificate` / `key`.

    `chain` is embedded with the TSA certificate when the query asks for certificates
    (certReq), e.g. the issuing CA; `accuracy` is the stated accuracy of genTime.
    """

    certificate: x509.Certificate
    key: object
    policy_oid: str
    next_serial: Callable[[], int]
    chain: Sequence[x509.Certificate] = ()
    accuracy: timedelta = timedelta(seconds=1)
    _asn1_certificate: asn1_x509.Certificate = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._asn1_certificate = _asn1(self.certificate)

    def reply(self, query: bytes, now: datetime) -> bytes:
        """The DER TimeStampResp for DER `query` at `now` (timezone-aware)."""
        try:
            request = _parse(query, self.policy_oid)
        except Rejected as rejected:
            return _rejection(rejected.failure, rejected.text)
        token = self._token(self._tst_info(request, now), now, bool(request["cert_req"].native))
        return TimestampReply({"status": tsp.PKIStatusInfo({"status": "granted"}),
                               "time_stamp_token": token}).dump()

    def _tst_info(self, request: tsp.TimeStampReq, now: datetime) -> tsp.TSTInfo:
        millis = int(self.accuracy / timedelta(milliseconds=1))
        info = {
            "version": "v1", "policy": self.policy_oid, "message_imprint": request["message_imprint"],
            "serial_number": self.next_serial(), "gen_time": now,
            "accuracy": {"seconds": millis // 1000, **({"millis": millis % 1000} if millis % 1000 else {})},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self._asn1_certificate.subject),
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"]
        return tsp.TSTInfo(info)

    def _token(self, tst_info: tsp.TSTInfo, now: datetime, with_certificates: bool) -> cms.ContentInfo:
        content = tst_info.dump()
        digest = hashes.Hash(hashes.SHA256())
        digest.update(content)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(now)})),
            simple_cms_attribute("signing_certificate_v2", as_signing_certificate_v2(self._asn1_certificate)),
            simple_cms_attribute("message_digest", digest.finalize()),
        ])
        signature, mechanism = _signature(self.key, signed_attrs.dump())
        sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
        signer_info = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber({
                "issuer": self._asn1_certificate.issuer,
                "serial_number": self._asn1_certificate.serial_number})}),
            "digest_algorithm": sha256, "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": mechanism}),
            "signed_attrs": signed_attrs, "signature": signature,
        })
        signed_data = {
            "version": "v3", "digest_algorithms": [sha256],
            "encap_content_info": {"content_type": "tst_info", "content": cms.ParsableOctetString(content)},
            "signer_infos": [signer_info],
        }
        if with_certificates:  # RFC 3161 2.4.1: certificates only when certReq is true
            signed_data["certificates"] = [self._asn1_certificate, *(_asn1(c) for c in self.chain)]
        return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed_data)})
