"""Results as sealed electronic documents (Decree 118/2025: an electronic copy of every result).

The agency uploads the result PDF while the dossier is processed or approved; it is sealed
(PAdES) in the agency's name with an organisation certificate issued by the city CA, stored in
the document store, and the owner downloads it. `/signatures/verify` then names the agency as
signer and says whether the file changed. The sealing itself is services/signatures/seals.py's
(one seal key per agency, kept sealed in the key vault; timestamped by the city TSA).
"""
from __future__ import annotations


from sqlalchemy import select

from models.dossiers import Dossier, DossierResult, DossierStatus
from services.context import Context
from services.documents import storage
from services.documents.inspection import inspect, read_capped
from services.dossiers import notices
from services.dossiers.actors import acting_agency, check_agency, readable_dossier, staff_read
from services.dossiers.documents import Download
from services.dossiers.transitions import lock_dossier
from services.errors import Conflict, NotFound, ValidationFailed
from services.signatures.authority import CertificateAuthority
from services.signatures.key_vault import KeyVault
from services.signatures import seals
from services.messages import lazy_text

PDF = "application/pdf"
# Before or with the decision; returned too, where the procedure hands over a paper.
TAKES_RESULT = frozenset({DossierStatus.PROCESSING, DossierStatus.APPROVED, DossierStatus.RETURNED})


def _sealed(ctx: Context, authority: CertificateAuthority, vault: KeyVault, agency_code: str,
            pdf: bytes) -> tuple[bytes, str]:
    """The PDF sealed (PAdES B-T) by the agency's seal, and the seal's serial. An agency sealing its
    first result gets its seal issued then: the city CA is the city's own (`flask ca seal issue`
    does the same ahead of time, and renews it)."""
    try:
        seal = seals.current_seal(ctx, agency_code)
    except Conflict:
        seal = seals.issue_seal(ctx, authority, vault, agency_code)
    return seals.seal_pdf(ctx, authority, vault, agency_code, pdf), seal.serial


def upload(ctx: Context, authority: CertificateAuthority, vault: KeyVault, store: storage.DocumentStore, code: str, *,
           file_name: str | None, stream) -> DossierResult:
    """The agency's result for a dossier it decides, sealed; a new upload replaces the last one."""
    session, actor = ctx.session, acting_agency(ctx)
    dossier = lock_dossier(session, code)
    check_agency(dossier, actor)
    if dossier.status not in TAKES_RESULT:
        raise Conflict(lazy_text("dossiers.results.dossier_status_s_takes", status=dossier.status), code="result_not_accepted",
                       current=str(dossier.status))
    content = read_capped(stream, ctx.settings.document_max_bytes)
    found = inspect(content, file_name=file_name or "ket-qua.pdf", max_bytes=ctx.settings.document_max_bytes,
                    accepted=(PDF,))
    sealed, serial = _sealed(ctx, authority, vault, dossier.agency_code, content)
    stored = storage.save(store, sealed, PDF)
    row = session.get(DossierResult, dossier.id) or DossierResult(dossier_id=dossier.id)
    row.file_name, row.size, row.sha256, row.storage_key = found.file_name, stored.size, stored.sha256, stored.key
    row.agency_code, row.certificate_serial, row.created_at = dossier.agency_code, serial, ctx.clock.now()
    session.add(row)
    session.flush()
    notices.result_available(ctx, dossier)
    return row


def require_result(session, dossier: Dossier, to: DossierStatus) -> None:
    """Approving a procedure whose decision is a document needs its sealed result first (422)."""
    if to == DossierStatus.APPROVED and dossier.procedure.yields_result and session.get(
            DossierResult, dossier.id) is None:
        raise ValidationFailed.on_field("file", lazy_text("dossiers.results.upload_sealed_result_before"), "result_required")


def download(ctx: Context, store: storage.DocumentStore, code: str) -> Download:
    dossier = readable_dossier(ctx, code)
    row = ctx.session.scalar(select(DossierResult).where(DossierResult.dossier_id == dossier.id))
    if row is None:
        raise NotFound(lazy_text("dossiers.results.dossier_no_result_document"), code="result_not_found")
    staff_read(ctx, dossier, "result_downloaded")
    return Download(row.file_name, PDF, row.size, row.sha256, store.stream(row.storage_key))
