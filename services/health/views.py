"""Entries as the API shows them: the stored values with any appended corrections applied,
the corrections themselves listed (provenance), and the facility's name."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models.health import CorrectionRequest, HealthCorrection
from services.health import codes
from services.health.entries import EntryKind, api_fields
from services.health.facilities import facility_names

DATE_FIELDS = frozenset({"onset_date", "date"})  # kept as ISO text inside a correction's JSON


def to_json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def from_json_value(name: str, value: Any) -> Any:
    return date.fromisoformat(value) if name in DATE_FIELDS and isinstance(value, str) else value


Corrections = dict[tuple[str, int], list[HealthCorrection]]


def corrections_for(session: Session, wanted: dict[str, Sequence[int]]) -> Corrections:
    """The corrections of many entries of several kinds, in one query, oldest first."""
    conditions = [and_(HealthCorrection.resource_type == kind, HealthCorrection.resource_id.in_(list(ids)))
                  for kind, ids in wanted.items() if ids]
    if not conditions:
        return {}
    found: Corrections = {}
    for correction in session.scalars(select(HealthCorrection).where(or_(*conditions)).order_by(HealthCorrection.id)):
        found.setdefault((correction.resource_type, correction.resource_id), []).append(correction)
    return found


def corrections_of(session: Session, resource_type: str, ids: Sequence[int]) -> dict[int, list[HealthCorrection]]:
    return {entry_id: found for (_, entry_id), found in corrections_for(session, {resource_type: ids}).items()}


def _described(kind: EntryKind, view: dict[str, Any]) -> dict[str, Any]:
    if kind.resource_type == "observation":
        known = codes.OBSERVATION_CODES.get(view["code"])
        view["name"], view["category"] = (known.name, known.category) if known else (None, None)
    elif kind.resource_type == "condition":
        view["name"] = codes.ICD10_NAMES.get(view["code"])
    return view


def current_values(kind: EntryKind, entry: Any, corrections: Sequence[HealthCorrection]) -> dict[str, Any]:
    values = api_fields(kind, entry)
    for correction in corrections:
        values.update({k: from_json_value(k, v) for k, v in correction.changes.items()})
    return values


def _request_ids(session: Session, ids: set[int]) -> dict[int, Any]:
    """The public ids of these correction requests, by their internal key."""
    if not ids:
        return {}
    rows = session.execute(select(CorrectionRequest.id, CorrectionRequest.public_id)
                           .where(CorrectionRequest.id.in_(ids))).all()
    return {key: public_id for key, public_id in rows}


def entry_views(session: Session, kind: EntryKind, entries: Sequence[Any],
                corrections: Corrections | None = None) -> list[dict[str, Any]]:
    """Views of `entries`; give `corrections` when they were fetched together with other kinds."""
    if corrections is None:
        corrections = corrections_for(session, {kind.resource_type: [e.id for e in entries]})
    names = facility_names(session, {e.facility_code for e in entries}
                           | {c.facility_code for cs in corrections.values() for c in cs})
    requests = _request_ids(session, {c.request_id for cs in corrections.values() for c in cs})
    views = []
    for entry in entries:
        own = corrections.get((kind.resource_type, entry.id), [])
        view = {"id": entry.public_id, **current_values(kind, entry, own), "facility_code": entry.facility_code,
                "facility_name": names.get(entry.facility_code), "recorded_at": entry.recorded_at,
                "corrected": bool(own),
                "corrections": [{"id": c.public_id, "request_id": requests.get(c.request_id), "changes": c.changes,
                                 "previous": c.previous, "facility_code": c.facility_code,
                                 "facility_name": names.get(c.facility_code), "corrected_at": c.corrected_at}
                                for c in own]}
        views.append(_described(kind, view))
    return views
