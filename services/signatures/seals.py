"""Agency seals: an organisation certificate per agency, its key sealed like the holders', and
the PDF sealing the dossier results use (PAdES B-T, timestamped by the city TSA)."""
from __future__ import annotations

from sqlalchemy import select

from models.reference import Agency
from models.signatures import AgencySeal
from services.context import Context
from services.errors import Conflict, NotFound, Unavailable
from services.signatures import city_services
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError
from services.signatures.key_vault import KeyUnavailable, KeyVault, SealedKey
from services.signatures.long_term import PadesLevel, holder_signer, sign_pdf
from services.signatures.pdf import read_pdf
from services.signatures.profile import KeyAlgorithm, new_holder_key
from services.messages import lazy_text

SEAL_REASON = "Đóng dấu số của cơ quan"


def issue_seal(ctx: Context, authority: CertificateAuthority, vault: KeyVault, agency_code: str) -> AgencySeal:
    """A new seal certificate for the agency; its key is kept only sealed."""
    agency = ctx.session.get(Agency, agency_code)
    if agency is None:
        raise NotFound(lazy_text("signatures.seals.no_agency_agency_code", agency_code=agency_code), code="unknown_agency")
    key = new_holder_key(KeyAlgorithm(ctx.settings.signature_key_algorithm))
    now = ctx.clock.now()
    try:
        issued = authority.issue_seal(agency.code, agency.name, key.public_pem, not_before=now)
    except CertificateAuthorityError as exc:
        raise Unavailable(lazy_text("signatures.seals.certificate_authority_did_issue"),
                          code="certificate_authority_unavailable") from exc
    sealed = vault.seal(key, issued.serial)
    seal = AgencySeal(agency_code=agency.code, serial=issued.serial, subject=issued.subject, pem=issued.pem,
                      valid_from=issued.valid_from, valid_to=issued.valid_to, key_id=sealed.key_id,
                      ciphertext=sealed.ciphertext, created_at=now)
    ctx.session.add(seal)
    ctx.session.flush()
    return seal


def current_seal(ctx: Context, agency_code: str) -> AgencySeal:
    """The agency's valid seal (409 no_valid_seal without one)."""
    now = ctx.clock.now()
    seal = ctx.session.scalar(select(AgencySeal).where(
        AgencySeal.agency_code == agency_code, AgencySeal.revoked_at.is_(None), AgencySeal.valid_from <= now,
        AgencySeal.valid_to > now).order_by(AgencySeal.valid_to.desc()).limit(1))
    if seal is None:
        raise Conflict(lazy_text("signatures.seals.agency_agency_code_s", agency_code=agency_code),
                       code="no_valid_seal")
    return seal


def seal_pdf(ctx: Context, authority: CertificateAuthority, vault: KeyVault, agency_code: str, pdf: bytes) -> bytes:
    """`pdf` sealed by the agency (PAdES B-T); raises Conflict no_valid_seal without a valid seal."""
    read_pdf(pdf, ctx.settings.signature_max_pdf_bytes)
    seal = current_seal(ctx, agency_code)
    try:
        key = vault.open(SealedKey(seal.key_id, seal.ciphertext), seal.serial)
    except KeyUnavailable as exc:
        raise Unavailable(lazy_text("signatures.seals.seal_key_cannot_opened"),
                          code="signing_key_unavailable") from exc
    return sign_pdf(pdf, holder_signer(seal.pem, key, authority.chain_pem()[:1]),
                    city_services.timestamper(ctx, authority), level=PadesLevel.B_T,
                    signer_name=seal.subject, reason=SEAL_REASON)
