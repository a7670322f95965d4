"""Documents handed in with a dossier: upload for a component of the procedure, list, download.

The bytes go to the document store under their SHA-256 (the same file twice is stored once);
the row goes to the database in the caller's transaction. An upload that fails after its
bytes were stored removes the object it created; one whose transaction is rolled back later
leaves an object no row names, which `documents purge` sweeps (services/dossiers/retention.py).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import select
from models.dossiers import Dossier, DossierDocument, DossierStatus
from services.context import Context
from services.documents import storage
from services.documents.inspection import EXTENSION_OF_TYPE, Inspected, inspect, read_capped
from services.dossiers.actors import Actor, owner_actor, readable_dossier, staff_read
from services.dossiers.transitions import lock_dossier, move
from services.dossiers.views import last_supplement_request
from services.errors import Conflict, NotFound, ValidationFailed
from services.pagination import Page, paginate
from services.messages import lazy_text

# A citizen hands documents in while the dossier waits for them (filed, or asked for more).
ACCEPTING = frozenset({DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED})


def accepts_documents(dossier: Dossier) -> bool:
    """Filed (paid or not yet paid, not received) or asked for more documents."""
    filed_unpaid = dossier.status == DossierStatus.PAYMENT_REQUESTED and dossier.received_at is None
    return dossier.status in ACCEPTING or filed_unpaid


@dataclass(frozen=True)
class Download:
    file_name: str
    media_type: str
    size: int
    sha256: str
    chunks: Iterator[bytes]


def components_of(dossier: Dossier) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in dossier.procedure.components or []}


def _component(components: dict[str, dict[str, Any]], code: str, field: str) -> dict[str, Any]:
    component = components.get(code)
    if component is None:
        raise ValidationFailed.on_field(field, lazy_text("dossiers.documents.procedure_no_such_component"),
                                        "unknown_component")
    return component


@dataclass(frozen=True)
class CheckedFile:
    """A file read and checked against its component's rules, not stored yet."""

    component_code: str
    found: Inspected
    content: bytes


def check_file(ctx: Context, components: dict[str, dict[str, Any]], component_code: str, *,
               file_name: str | None, stream: BinaryIO, field: str = "component_code") -> CheckedFile:
    """Read one file for one component and check it (422 unknown component, 413, 415, 422)."""
    component = _component(components, component_code, field)
    limit = min(component.get("max_bytes") or ctx.settings.document_max_bytes, ctx.settings.document_max_bytes)
    content = read_capped(stream, limit)
    found = inspect(content, file_name=file_name or component["name"], max_bytes=limit,
                    accepted=component.get("types") or tuple(EXTENSION_OF_TYPE))
    return CheckedFile(component_code, found, content)


def _row(ctx: Context, dossier: Dossier, checked: CheckedFile, actor: Actor) -> DossierDocument:
    found = checked.found
    return DossierDocument(dossier_id=dossier.id, component_code=checked.component_code, file_name=found.file_name,
                           media_type=found.media_type, size=found.size, pages=found.pages, sha256=found.sha256,
                           uploaded_by=actor.kind, created_at=ctx.clock.now())


def store_files(ctx: Context, store: storage.DocumentStore, dossier: Dossier, files: list[CheckedFile],
                actor: Actor) -> list[DossierDocument]:
    """Bytes then rows, all or nothing: if any object or row cannot be written, the objects
    these files created go too (an object stored before, by another upload, stays)."""
    created: list[str] = []
    rows = []
    try:
        for checked in files:
            stored = storage.save(store, checked.content, checked.found.media_type)
            if stored.created:
                created.append(stored.key)
            row = _row(ctx, dossier, checked, actor)
            row.storage_key = stored.key
            ctx.session.add(row)
            rows.append(row)
        ctx.session.flush()
    except BaseException:
        for key in created:
            store.delete(key)
        raise
    return rows


def upload(ctx: Context, store: storage.DocumentStore, code: str, *, component_code: str,
           file_name: str | None, stream: BinaryIO) -> DossierDocument:
    """The owner hands in one file for one component of the procedure."""
    session = ctx.session
    dossier = lock_dossier(session, code)
    actor = owner_actor(ctx, dossier)
    if not accepts_documents(dossier):
        raise Conflict(lazy_text("dossiers.documents.dossier_status_s_takes", status=dossier.status), code="documents_not_accepted",
                       current=str(dossier.status))
    checked = check_file(ctx, components_of(dossier), component_code, file_name=file_name, stream=stream)
    [row] = store_files(ctx, store, dossier, [checked], actor)
    _resume_when_supplied(ctx, dossier, actor)
    return row


def named_components(ctx: Context, dossier: Dossier) -> list[str]:
    """The component codes the agency's last request for more documents named."""
    asked = last_supplement_request(ctx.session, dossier)
    known = components_of(dossier)
    return [c for c in (asked.missing_documents or []) if c in known] if asked else []


def still_missing(ctx: Context, dossier: Dossier) -> list[str]:
    """Named components with no document uploaded since the request named them."""
    asked = last_supplement_request(ctx.session, dossier)
    if asked is None:
        return []
    named = named_components(ctx, dossier)
    supplied = set(ctx.session.scalars(
        select(DossierDocument.component_code).where(DossierDocument.dossier_id == dossier.id,
                                                     DossierDocument.created_at >= asked.created_at)))
    return [c for c in named if c not in supplied]


def _resume_when_supplied(ctx: Context, dossier: Dossier, actor: Actor) -> None:
    """Uploading the last named component is the supplement: processing resumes."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or not named_components(ctx, dossier):
        return
    if not still_missing(ctx, dossier):
        move(ctx, dossier, DossierStatus.PROCESSING, actor, note=lazy_text("dossier.note.supplied_online"))


def check_supplied(ctx: Context, dossier: Dossier) -> None:
    """A supplement is refused while a named component has no new document (409)."""
    missing = still_missing(ctx, dossier)
    if missing:
        raise Conflict(lazy_text("dossiers.documents.upload_documents_agency_named"), code="documents_missing",
                       missing=missing)


def list_documents(ctx: Context, code: str, *, limit: int, cursor: str | None) -> Page[DossierDocument]:
    dossier = readable_dossier(ctx, code)
    return paginate(ctx.session, select(DossierDocument).where(DossierDocument.dossier_id == dossier.id),
                    [DossierDocument.id], limit=limit, cursor=cursor, descending=False)


def download(ctx: Context, store: storage.DocumentStore, code: str, document_id: int) -> Download:
    dossier = readable_dossier(ctx, code)
    row = ctx.session.get(DossierDocument, document_id)
    if row is None or row.dossier_id != dossier.id:
        raise NotFound(lazy_text("dossiers.documents.no_such_document_dossier"), code="document_not_found")
    staff_read(ctx, dossier, "document_downloaded")
    return Download(row.file_name, row.media_type, row.size, row.sha256, store.stream(row.storage_key))
