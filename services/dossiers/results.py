"""Results as sealed electronic documents (Decree 118/2025: an electronic copy of every result).

The agency uploads the result PDF while the dossier is processed or approved; it is sealed
(PAdES) in the agency's name with an organisation certificate issued by the city CA, stored in
the document store, and the owner downloads it. `/signatures/verify` then names the agency as
signer and says whether the file changed.

`seal_pdf` is written here because the agency seals of the signatures work (a long-lived seal
key per agency, `flask ca seal issue`) are not on main yet: it issues a one-off organisation
certificate for each result (`LocalCertificateAuthority.issue_seal`) and signs with its fresh
key, which is then forgotten. Replace it with services/signatures' `seal_pdf(ctx, agency_code,
pdf)` (same signature) when that lands.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models.dossiers import Dossier, DossierResult, DossierStatus
from models.reference import Agency
from services.context import Context
from services.documents import storage
from services.documents.inspection import inspect, read_capped
from services.dossiers import notices
from services.dossiers.actors import acting_agency, check_agency
from services.dossiers.documents import Download, readable_dossier
from services.dossiers.transitions import lock_dossier
from services.errors import Conflict, NotFound, ValidationFailed
from services.signatures.authority import CertificateAuthority
from services.signatures.key_vault import KeyVault
from services.signatures.signing import pades_sign

PDF = "application/pdf"
# Before or with the decision; returned too, where the procedure hands over a paper.
TAKES_RESULT = frozenset({DossierStatus.PROCESSING, DossierStatus.APPROVED, DossierStatus.RETURNED})


@dataclass(frozen=True)
class Sealed:
    content: bytes
    certificate_serial: str


def seal_pdf(ctx: Context, authority: CertificateAuthority, agency_code: str, pdf: bytes) -> Sealed:
    """The PDF sealed (PAdES B-B) in the agency's name by an organisation certificate of the city CA."""
    agency = ctx.session.get(Agency, agency_code)
    name = agency.name if agency else agency_code
    key = KeyVault.new_key()
    issued = authority.issue_seal(agency_code, name, key.public_pem, not_before=ctx.clock.now())
    return Sealed(pades_sign(pdf, issued.pem, authority.chain_pem(), key, name), issued.serial)


def upload(ctx: Context, authority: CertificateAuthority, store: storage.DocumentStore, code: str, *,
           file_name: str | None, stream) -> DossierResult:
    """The agency's result for a dossier it decides, sealed; a new upload replaces the last one."""
    session, actor = ctx.session, acting_agency(ctx)
    dossier = lock_dossier(session, code)
    check_agency(dossier, actor)
    if dossier.status not in TAKES_RESULT:
        raise Conflict(f"A dossier in '{dossier.status}' takes no result.", code="result_not_accepted",
                       current=str(dossier.status))
    content = read_capped(stream, ctx.settings.document_max_bytes)
    found = inspect(content, file_name=file_name or "ket-qua.pdf", max_bytes=ctx.settings.document_max_bytes,
                    accepted=(PDF,))
    sealed = seal_pdf(ctx, authority, dossier.agency_code, content)
    stored = storage.save(store, sealed.content, PDF)
    row = session.get(DossierResult, dossier.id) or DossierResult(dossier_id=dossier.id)
    row.file_name, row.size, row.sha256, row.storage_key = found.file_name, stored.size, stored.sha256, stored.key
    row.agency_code, row.certificate_serial, row.created_at = dossier.agency_code, sealed.certificate_serial, ctx.clock.now()
    session.add(row)
    session.flush()
    notices.result_available(ctx, dossier)
    return row


def require_result(session, dossier: Dossier, to: DossierStatus) -> None:
    """Approving a procedure whose decision is a document needs its sealed result first (422)."""
    if to == DossierStatus.APPROVED and dossier.procedure.yields_result and session.get(
            DossierResult, dossier.id) is None:
        raise ValidationFailed.on_field("file", "Upload the sealed result before approving.", "result_required")


def download(ctx: Context, store: storage.DocumentStore, code: str) -> Download:
    dossier = readable_dossier(ctx, code)
    row = ctx.session.scalar(select(DossierResult).where(DossierResult.dossier_id == dossier.id))
    if row is None:
        raise NotFound("This dossier has no result document yet.", code="result_not_found")
    return Download(row.file_name, PDF, row.size, row.sha256, store.stream(row.storage_key))
