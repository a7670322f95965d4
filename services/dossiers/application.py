"""The application (tờ khai) of a dossier: rendered as a PDF, signed by its owner, attached.

The application of a dossier is what `render()` makes of its form: the same dossier and form
always give the same bytes (the file's creation date is the filing time; the dossier code is
in the text and the PDF's subject). The owner signs it with the challenge-and-code signing
(POST /signatures/sign) and attaches the signed copy. It is accepted as THIS dossier's
application when its bytes before the first signature are exactly the rendered application
and that signature signs the revision right after them (nothing added before signing); the
verifier (services/signatures/verification.py) finds that signature valid; and its
certificate is one the city CA issued to the dossier's owner. The signed copy is kept as a
dossier document of the component `signed_application`.

The agency's view checks the latest signed copy again when it is read: a certificate revoked
since, or a form corrected since (the application then renders differently), shows there.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from models.dossiers import Dossier, DossierDocument, Procedure
from models.reference import Agency, Resident
from models.signatures import Certificate
from services.context import Context
from services.documents import storage
from services.documents.inspection import inspect, read_capped
from services.documents.pdf_render import application_pdf
from services.dossiers import views
from services.dossiers.actors import not_found, owner_account_id, owner_actor, sees, staff_read
from services.dossiers.documents import accepts_documents
from services.dossiers.procedures import APPLICATION_COMPONENT
from services.dossiers.transitions import lock_dossier
from services.errors import Conflict, ValidationFailed
from services.signatures import verdicts, verification
from services.signatures.authority import CertificateAuthority
from services.signatures.pdf import UNREADABLE_PDF
from services.messages import format_decimal, lazy_text, translate

PDF = "application/pdf"
# The application is a Vietnamese legal document whose bytes are compared with a re-render
# (on attaching, and whenever an officer reads it): it is always written in Vietnamese.
APPLICATION_LANGUAGE = "vi"
FIRST_SIGNED_REVISION = 1  # revision 0 is the application as rendered; the signature is the next


@dataclass(frozen=True)
class RenderedApplication:
    file_name: str
    content: bytes


@dataclass
class SignedApplication:
    """Whether a dossier's application is signed, by whom, and whether the signature verifies now."""

    signed: bool
    document_id: int | None = None
    signer_name: str | None = None
    certificate_serial: str | None = None
    signed_at: datetime | None = None
    verifies: bool | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class AgencyDossierDetail(views.DossierDetail):
    signed_application: SignedApplication | None = None


def _value(value: Any) -> str:
    if isinstance(value, bool):
        yes, no = translate(APPLICATION_LANGUAGE, "application.yes"), translate(APPLICATION_LANGUAGE, "application.no")
        return yes if value else no
    if isinstance(value, list):
        return "; ".join(_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_value(item)}" for key, item in value.items())
    if isinstance(value, float):  # 180,5 m², as Vietnamese writes a decimal
        return format_decimal(value, APPLICATION_LANGUAGE)
    return "" if value is None else str(value)


def render(ctx: Context, dossier: Dossier) -> bytes:
    """The dossier's application as it stands (the same bytes for the same dossier and form)."""
    procedure: Procedure = dossier.procedure
    owner = ctx.session.get(Resident, dossier.owner_resident_id)
    agency = ctx.session.get(Agency, dossier.agency_code)
    properties = procedure.form_schema.get("properties") or {}
    language = APPLICATION_LANGUAGE
    rows = [(translate(language, "application.dossier_code"), dossier.code),
            (translate(language, "application.procedure"), f"{procedure.code} - {procedure.name}"),
            (translate(language, "application.agency"), agency.name if agency else dossier.agency_code)]
    rows += [((properties.get(name) or {}).get("title") or name, _value(value)) for name, value in dossier.form.items()]
    return application_pdf(translate(language, "application.title", procedure=procedure.name), rows,
                           applicant=owner.full_name, submitted_at=dossier.submitted_at, reference=dossier.code,
                           language=language)


def download(ctx: Context, code: str) -> RenderedApplication:
    """The owner's application to sign (GET /dossiers/{code}/application.pdf)."""
    dossier = ctx.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None:
        raise not_found()
    owner_actor(ctx, dossier)
    return RenderedApplication(f"to-khai-{dossier.code}.pdf", render(ctx, dossier))


def _signs_this_application(content: bytes, application: bytes) -> bool:
    """The file is the application with a first signature over exactly it (and later updates)."""
    if not content.startswith(application):
        return False
    try:
        signatures = PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures
        return bool(signatures) and signatures[0].signed_revision == FIRST_SIGNED_REVISION
    except UNREADABLE_PDF:
        return False


def _owner_signature(ctx: Context, dossier: Dossier, report: verification.VerificationReport
                     ) -> verification.SignatureReport:
    first = report.signatures[0]
    certificate = ctx.session.scalar(select(Certificate).where(Certificate.serial == first.certificate_serial))
    if certificate is None or certificate.account_id != owner_account_id(ctx, dossier):
        raise ValidationFailed.on_field("file", lazy_text("dossiers.application.not_signed_by_owner"),
                                        "not_signed_by_owner")
    return first


def attach(ctx: Context, authority: CertificateAuthority, store: storage.DocumentStore, code: str, *,
           file_name: str | None, stream: BinaryIO) -> SignedApplication:
    """The owner attaches their signed application (POST /dossiers/{code}/signed-application)."""
    session = ctx.session
    dossier = lock_dossier(session, code)
    actor = owner_actor(ctx, dossier)
    if not accepts_documents(dossier):
        raise Conflict(lazy_text("dossiers.documents.dossier_status_s_takes", status=dossier.status),
                       code="documents_not_accepted", current=str(dossier.status))
    limit = ctx.settings.signature_max_pdf_bytes
    content = read_capped(stream, limit)
    found = inspect(content, file_name=file_name or f"to-khai-{dossier.code}-da-ky.pdf", max_bytes=limit,
                    accepted=(PDF,))
    report = verification.verify(ctx, authority, content, max_bytes=limit)  # 422 not_signed first
    if not _signs_this_application(content, render(ctx, dossier)):
        raise ValidationFailed.on_field("file", lazy_text("dossiers.application.not_this_application"),
                                        "not_this_application")
    signature = _owner_signature(ctx, dossier, report)
    if not signature.valid:
        message, codes = lazy_text("application.signature_not_valid"), verdicts.reasons(signature)
        raise ValidationFailed(message, errors={"file": [verdicts.problem_text(c) for c in codes] or [message]},
                               code="signature_not_valid", problems=codes)
    stored = storage.save(store, content, PDF)
    row = DossierDocument(dossier_id=dossier.id, component_code=APPLICATION_COMPONENT, file_name=found.file_name,
                          media_type=PDF, size=found.size, pages=found.pages, sha256=found.sha256,
                          storage_key=stored.key, uploaded_by=actor.kind, created_at=ctx.clock.now())
    session.add(row)
    session.flush()
    return SignedApplication(True, row.id, signature.signer_name, signature.certificate_serial,
                             signature.signed_at, True, list(signature.problems))


def has_signed_application(ctx: Context, dossier: Dossier) -> bool:
    return ctx.session.scalar(select(DossierDocument.id).where(
        DossierDocument.dossier_id == dossier.id, DossierDocument.component_code == APPLICATION_COMPONENT
    ).limit(1)) is not None


def require_signed_application(ctx: Context, dossier: Dossier) -> None:
    """Receiving an online dossier of a procedure that asks for it needs the signed application (409)."""
    if dossier.procedure.requires_signed_application and not has_signed_application(ctx, dossier):
        raise Conflict(lazy_text("dossiers.application.signed_application_required"), code="signed_application_required")


def status(ctx: Context, authority: CertificateAuthority, store: storage.DocumentStore,
           dossier: Dossier) -> SignedApplication:
    """The latest signed application, checked again now (signature, owner, same application)."""
    row = ctx.session.scalar(select(DossierDocument).where(
        DossierDocument.dossier_id == dossier.id, DossierDocument.component_code == APPLICATION_COMPONENT)
        .order_by(DossierDocument.id.desc()).limit(1))
    if row is None:
        return SignedApplication(False)
    content = store.get(row.storage_key)
    report = verification.verify(ctx, authority, content, max_bytes=len(content)).signatures[0]
    current = _signs_this_application(content, render(ctx, dossier))
    problems = [*report.problems, *([] if current else ["not_the_current_application"])]
    return SignedApplication(True, row.id, report.signer_name, report.certificate_serial, report.signed_at,
                             report.valid and current, problems)


def agency_view(ctx: Context, authority: CertificateAuthority, store: storage.DocumentStore,
                code: str) -> AgencyDossierDetail:
    """GET /agency/dossiers/{code}: the dossier for an officer of its agency, with its signed
    application; written to the owner's data tracker."""
    dossier = ctx.session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None or not sees(ctx.principal.agency_code, dossier):
        raise not_found()
    staff_read(ctx, dossier, "dossier_viewed")
    detail = views.detail(ctx.session, dossier, staff=True)
    return AgencyDossierDetail(**vars(detail), signed_application=status(ctx, authority, store, dossier))
