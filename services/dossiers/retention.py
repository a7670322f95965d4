"""`documents purge`: what the retention period lets go, and the sweep of objects no row names.

Documents of dossiers withdrawn or rejected more than DOCUMENT_RETENTION_DAYS ago are deleted
(rows, then each object no remaining row refers to). Objects no row names at all (an upload
whose transaction was rolled back after its bytes were stored) are deleted once they are older
than ORPHAN_GRACE, so an upload still in flight is never swept.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select

from models.dossiers import Dossier, DossierDocument, DossierStatus
from services.context import Context
from services.documents.storage import DocumentStore

LET_GO = (DossierStatus.WITHDRAWN, DossierStatus.REJECTED)
ORPHAN_GRACE = timedelta(days=1)
CONTENT_PREFIX = "sha256/"


@dataclass
class PurgePlan:
    document_ids: list[int] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)  # keys to delete once the rows are gone

    @property
    def steps(self) -> int:
        return len(self.document_ids) + len(self.objects)


def plan_purge(ctx: Context, store: DocumentStore) -> PurgePlan:
    """What a purge would delete now; nothing is changed."""
    session, now = ctx.session, ctx.clock.now()
    cutoff = now - timedelta(days=ctx.settings.document_retention_days)
    expired = session.execute(
        select(DossierDocument.id, DossierDocument.storage_key).join(Dossier, Dossier.id == DossierDocument.dossier_id)
        .where(Dossier.status.in_(LET_GO), Dossier.updated_at < cutoff).order_by(DossierDocument.id)).all()
    expired_ids = {row.id for row in expired}
    kept = {key for doc_id, key in session.execute(select(DossierDocument.id, DossierDocument.storage_key))
            if doc_id not in expired_ids}
    released = sorted({row.storage_key for row in expired} - kept)
    orphans = [entry.key for entry in store.entries(CONTENT_PREFIX)
               if entry.key not in kept and entry.key not in released and entry.modified_at < now - ORPHAN_GRACE]
    return PurgePlan([row.id for row in expired], released + orphans)


def purge_rows(ctx: Context, plan: PurgePlan, on_step: Callable[[], None] = lambda: None) -> None:
    """Delete the plan's rows in the caller's transaction; commit it before purge_objects."""
    for doc_id in plan.document_ids:
        ctx.session.execute(delete(DossierDocument).where(DossierDocument.id == doc_id))
        on_step()
    ctx.session.flush()


def purge_objects(store: DocumentStore, plan: PurgePlan, on_step: Callable[[], None] = lambda: None) -> None:
    """Delete the plan's objects (after its rows are gone for good: never an object a row names)."""
    for key in plan.objects:
        store.delete(key)
        on_step()
