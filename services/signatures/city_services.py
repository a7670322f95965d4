"""The city CA's online services: the RFC 3161 timestamp authority and the RFC 6960 OCSP
responder, with their state in the database (the TSA's serial, the certificate register).

The TSA serial is one row of `authority_counters` raised by a single UPDATE ... RETURNING:
the row lock orders concurrent callers on PostgreSQL, SQLite writes one at a time, so the
serial only ever grows. The OCSP responder reads the certificate table (holders' and agency
seals'); the TSA's and the responder's own certificates are "good".
"""
from __future__ import annotations

from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.signatures import AgencySeal, AuthorityCounter, Certificate
from services.context import Context
from services.errors import Unavailable, UnsupportedMediaType
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError
from services.signatures.long_term import InProcessTimeStamper, revocation_context
from services.signatures.ocsp import REQUEST_MEDIA_TYPE, CertificateState, OcspResponder
from services.signatures.timestamps import QUERY_MEDIA_TYPE, TimestampAuthority
from services.messages import lazy_text

TSA_COUNTER = "tsa"


def next_serial(session: Session, name: str = TSA_COUNTER) -> int:
    """The next value of counter `name` (monotonic under concurrency, on both databases)."""
    raised = session.execute(update(AuthorityCounter).where(AuthorityCounter.name == name)
                             .values(value=AuthorityCounter.value + 1).returning(AuthorityCounter.value))
    value = raised.scalar_one_or_none()
    if value is None:  # a database older than the counter row: start it
        session.add(AuthorityCounter(name=name, value=1))
        session.flush()
        return 1
    return value


def _service_pair(getter):
    try:
        return getter()
    except CertificateAuthorityError as exc:
        raise Unavailable(lazy_text("signatures.city_services.certificate_authority_s_service"),
                          code="certificate_authority_unavailable") from exc


def timestamp_authority(ctx: Context, authority: CertificateAuthority) -> TimestampAuthority:
    pair = _service_pair(authority.tsa_key_pair)
    session = ctx.session
    return TimestampAuthority(pair.certificate, pair.key, ctx.settings.signature_tsa_policy_oid,
                              lambda: next_serial(session), chain=[authority.issuing_certificate])


def _require(media_type: str, expected: str) -> None:
    if media_type != expected:
        raise UnsupportedMediaType(lazy_text("signatures.city_services.send_expected_s", expected=expected), code="unsupported_media_type")


def stamp(ctx: Context, authority: CertificateAuthority, query: bytes, media_type: str = QUERY_MEDIA_TYPE) -> bytes:
    """The DER TimeStampResp for a DER TimeStampReq, stamped with the one clock."""
    _require(media_type, QUERY_MEDIA_TYPE)
    return timestamp_authority(ctx, authority).reply(query, ctx.clock.now())


def timestamper(ctx: Context, authority: CertificateAuthority) -> InProcessTimeStamper:
    """pyHanko's TimeStamper over the city TSA, for signing inside this process."""
    tsa = timestamp_authority(ctx, authority)
    return InProcessTimeStamper(lambda query: tsa.reply(query, ctx.clock.now()))


def register(session: Session, authority: CertificateAuthority):
    """`status_of(serial)` for the OCSP responder, read from the certificate tables."""
    services = set()
    for getter in (authority.tsa_key_pair, authority.ocsp_key_pair):
        try:
            services.add(getter().certificate.serial_number)
        except CertificateAuthorityError:
            pass

    def status_of(serial: int) -> CertificateState:
        if serial in services:
            return ("good", None, None)
        text = format(serial, "X")
        row = session.execute(select(Certificate.revoked_at, Certificate.revocation_reason)
                              .where(Certificate.serial == text)).first()
        if row is None:
            seal = session.execute(select(AgencySeal.revoked_at).where(AgencySeal.serial == text)).first()
            row = (seal[0], "cessation_of_operation") if seal else None
        if row is None:
            return ("unknown", None, None)
        revoked_at, reason = row
        return ("revoked", revoked_at, reason or "unspecified") if revoked_at else ("good", None, None)
    return status_of


def responder(ctx: Context, authority: CertificateAuthority) -> OcspResponder:
    pair = _service_pair(authority.ocsp_key_pair)
    return OcspResponder(authority.issuing_certificate, pair.certificate, pair.key,
                         register(ctx.session, authority),
                         validity=timedelta(seconds=ctx.settings.signature_ocsp_validity_seconds))


def answer_ocsp(ctx: Context, authority: CertificateAuthority, request_der: bytes | None,
                media_type: str = REQUEST_MEDIA_TYPE) -> bytes:
    """The DER OCSPResponse for a DER OCSPRequest (malformedRequest for anything else)."""
    _require(media_type, REQUEST_MEDIA_TYPE)
    return responder(ctx, authority).respond(request_der, ctx.clock.now())


def ocsp_request(certificate: x509.Certificate, issuer: x509.Certificate) -> bytes:
    return (ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA1()).build()
            .public_bytes(serialization.Encoding.DER))


def revocation_data(ctx: Context, authority: CertificateAuthority,
                    *certificates: x509.Certificate) -> dict[str, list[bytes]]:
    """Fresh OCSP answers for `certificates` and the root's CRL of the issuing CA."""
    answering, issuer, now = responder(ctx, authority), authority.issuing_certificate, ctx.clock.now()
    arl = authority.authority_revocation_list()
    return {"ocsps": [answering.respond(ocsp_request(c, issuer), now) for c in certificates],
            "crls": [arl] if arl else []}


def long_term_context(ctx: Context, authority: CertificateAuthority,
                      *certificates: x509.Certificate) -> ValidationContext:
    """What B-LT embeds for `certificates` (the signer's and the TSA's): nothing is fetched."""
    return revocation_context(authority.trust_roots_pem(), authority.chain_pem()[:1],
                              **revocation_data(ctx, authority, *certificates))
