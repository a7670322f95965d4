"""What a citizen does with their own record, or a guardian with a child's: each function
first settles whose record it is (services.health.subjects.own_or_ward), then acts."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any


from services.context import Context
from services.errors import NotFound
from services.health import access_log, consents, corrections, fhir, probes, reading, summaries
from services.health.subjects import own_or_ward
from services.pagination import Page


def summary(ctx: Context, subject: str | None) -> summaries.StoredSummary:
    who = own_or_ward(ctx, subject)
    return summaries.read(ctx.session, who.resident, who.record_id)


def observations(ctx: Context, *, subject: str | None, limit: int, cursor: str | None,
                 code: str | None = None, from_: datetime | None = None, to: datetime | None = None) -> Page:
    return reading.list_observations(ctx.session, own_or_ward(ctx, subject), limit=limit,
                                     cursor=cursor, code=code, from_=from_, to=to)


def encounters(ctx: Context, *, subject: str | None, limit: int,
               cursor: str | None) -> Page:
    return reading.list_encounters(ctx.session, own_or_ward(ctx, subject), limit=limit, cursor=cursor)


def immunizations(ctx: Context, *, subject: str | None, limit: int,
                  cursor: str | None) -> Page:
    return reading.list_immunizations(ctx.session, own_or_ward(ctx, subject), limit=limit,
                                      cursor=cursor)


@contextmanager
def _probing(ctx: Context, resource: str) -> Iterator[None]:
    """A look-up of an entry by id: a miss counts against the caller (too many: 429)."""
    probes.check(ctx)
    try:
        yield
    except NotFound:
        probes.count_miss(ctx, resource)
        raise


def entry(ctx: Context, subject: str | None, resource_type: str,
          entry_id: uuid.UUID) -> dict[str, Any]:
    who = own_or_ward(ctx, subject)
    with _probing(ctx, f"{resource_type}/{entry_id}"):
        return reading.one_entry(ctx.session, who, resource_type, entry_id)


def fhir_bundle(ctx: Context, subject: str | None) -> dict[str, Any]:
    return fhir.bundle(ctx.session, own_or_ward(ctx, subject))


def access_entries(ctx: Context, *, subject: str | None, limit: int,
                   cursor: str | None) -> Page:
    who = own_or_ward(ctx, subject)
    return access_log.list_access(ctx.session, who.resident.id, limit=limit, cursor=cursor)


def read_consent(ctx: Context, subject: str | None, facility_code: str) -> dict[str, Any]:
    return consents.read_consent(ctx.session, own_or_ward(ctx, subject), facility_code)


def grant_consent(ctx: Context, subject: str | None, facility_code: str,
                  expires_at: datetime | None) -> dict[str, Any]:
    return consents.grant(ctx.session, own_or_ward(ctx, subject), ctx.principal, facility_code, expires_at)


def revoke_consent(ctx: Context, subject: str | None, facility_code: str) -> None:
    consents.revoke(ctx.session, own_or_ward(ctx, subject), ctx.principal, facility_code)


def request_correction(ctx: Context, subject: str | None, *, resource_type: str,
                       resource_id: uuid.UUID, reason: str) -> dict[str, Any]:
    who = own_or_ward(ctx, subject)
    with _probing(ctx, f"{resource_type}/{resource_id}"):
        return corrections.open_request(ctx.session, who, resource_type, resource_id, reason)


def correction_requests(ctx: Context, *, subject: str | None, limit: int,
                        cursor: str | None) -> Page:
    return corrections.list_for_subject(ctx.session, own_or_ward(ctx, subject), limit=limit,
                                        cursor=cursor)
