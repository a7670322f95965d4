"""Filing a dossier with its documents alongside, in one transaction.

Every file is read and checked against its component (unknown component 422, more files than
the component's copies 422, type 415, size 413, a broken PDF 422) before anything is filed, so
a refused file files nothing and stores nothing. The dossier is then filed as
`submit_online` files it (to its usual first state) and the files are stored; a storage or
database failure there removes the objects this filing created, and the request's transaction
is rolled back. Without files it is `submit_online`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from models.dossiers import DossierActorKind
from services.context import Context
from services.documents.storage import DocumentStore
from services.dossiers import submission, views
from services.dossiers.actors import Actor
from services.dossiers.documents import CheckedFile, check_file, store_files
from services.dossiers.procedures import get_procedure
from services.errors import DomainError, ValidationFailed
from services.messages import lazy_text


@dataclass(frozen=True)
class FilePart:
    """One file of the request: the part's name is the component it is for."""

    component_code: str
    file_name: str | None
    stream: BinaryIO


def _check_copies(components: dict[str, dict[str, Any]], parts: Sequence[FilePart]) -> None:
    """At most a component's `copies` files for it."""
    sent = Counter(part.component_code for part in parts)
    errors = {code: [lazy_text("dossiers.documents.too_many_copies", copies=components[code]["copies"])]
              for code, count in sent.items() if code in components and count > components[code]["copies"]}
    if errors:
        raise ValidationFailed(lazy_text("dossiers.documents.more_files_than_copies"), errors=errors,
                               code="too_many_copies")


def _checked(ctx: Context, components: dict[str, dict[str, Any]], part: FilePart) -> CheckedFile:
    try:
        return check_file(ctx, components, part.component_code, file_name=part.file_name, stream=part.stream,
                          field=part.component_code)
    except DomainError as refused:
        refused.extra.setdefault("component_code", part.component_code)  # which part was refused
        raise


def submit_with_documents(ctx: Context, store: DocumentStore, *, documents: Sequence[FilePart] = (),
                          **filing: Any) -> views.DossierDetail:
    """File a dossier online with files for the procedure's components; all or nothing."""
    if not documents:
        return submission.submit_online(ctx, **filing)
    procedure = get_procedure(ctx.session, filing["procedure_code"])
    components = {c["code"]: c for c in procedure.components or []}
    _check_copies(components, documents)
    checked = [_checked(ctx, components, part) for part in documents]
    dossier = submission.file_online(ctx, **filing)
    store_files(ctx, store, dossier, checked, Actor(DossierActorKind.OWNER, dossier.owner_account_id))
    return views.detail(ctx.session, dossier, staff=False)
