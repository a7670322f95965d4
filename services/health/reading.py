"""Reading a record: the summary, newest-first lists, single entries.

The summary does not grow with the table: the latest value of each code is one probe of
the (record, code, effective_at, id) index per code, and every other part is bounded by
the one record.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, union_all
from sqlalchemy.orm import Session

from models.health import Allergy, Condition, Encounter, Immunization, Observation, RiskFactor
from models.reference import Resident
from services.errors import NotFound
from services.health import codes
from services.health.entries import BY_RESOURCE_TYPE
from services.health.subjects import Subject
from services.health.views import corrections_for, entry_views
from services.identity.national_id import last4_mask, mask
from services.pagination import Page, paginate
from services.messages import lazy_text

OBSERVATION = BY_RESOURCE_TYPE["observation"]
ENCOUNTER = BY_RESOURCE_TYPE["encounter"]
IMMUNIZATION = BY_RESOURCE_TYPE["immunization"]


def person_block(resident: Resident, *, for_staff: bool) -> dict[str, Any]:
    return {"national_id_masked": (last4_mask if for_staff else mask)(resident.national_id),
            "full_name": resident.full_name, "date_of_birth": resident.date_of_birth, "sex": resident.sex}


def _latest_observations():
    """One index probe per known code: the newest observation of each (built once, bound per call)."""
    record = bindparam("record_id", type_=Observation.record_id.type)
    probes = [select(Observation.id).where(Observation.record_id == record, Observation.code == code)
              .order_by(Observation.effective_at.desc(), Observation.id.desc()).limit(1).subquery()
              for code in codes.OBSERVATION_CODES]
    return select(Observation).where(Observation.id.in_(union_all(*[select(probe.c.id) for probe in probes])))


LATEST_OBSERVATIONS = _latest_observations()
CODE_ORDER = {code: position for position, code in enumerate(codes.OBSERVATION_CODES)}


def _latest_by(views: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for view in views:  # oldest first: a later entry replaces an earlier one with the same key
        latest.pop(view[key], None)
        latest[view[key]] = view
    return list(latest.values())


def _of_record(session: Session, model, record_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(model.record_id == record_id).order_by(model.id)))


def summary(session: Session, resident: Resident, record_id: int | None, *, for_staff: bool = False) -> dict[str, Any]:
    """Latest value of each vital sign and lab value, active conditions, allergies, risk factors,
    last visit and number of immunizations."""
    result: dict[str, Any] = {"subject": person_block(resident, for_staff=for_staff), "has_record": record_id is not None}
    return {**result, **(EMPTY_RECORD if record_id is None else record_summary(session, record_id))}


EMPTY_RECORD: dict[str, Any] = {"vital_signs": [], "lab_results": [], "active_conditions": [], "allergies": [],
                                "risk_factors": [], "last_visit": None, "immunization_count": 0}


def record_summary(session: Session, record_id: int) -> dict[str, Any]:
    """The part of the summary that comes from the record's entries (stored by
    services/health/summaries.py): one index probe per observation code."""
    entries = {
        "observation": list(session.scalars(LATEST_OBSERVATIONS, {"record_id": record_id})),
        "condition": _of_record(session, Condition, record_id),
        "allergy": _of_record(session, Allergy, record_id),
        "risk_factor": _of_record(session, RiskFactor, record_id),
        "encounter": list(session.scalars(select(Encounter).where(Encounter.record_id == record_id)
                                          .order_by(Encounter.start_at.desc(), Encounter.id.desc()).limit(1))),
    }
    count = session.scalar(select(func.count()).select_from(Immunization).where(Immunization.record_id == record_id))
    return _summaries_of(session, entries, {record_id: count})[record_id]


def _newest(model, partition, *order):
    """The newest entry of each `partition` of these records (a window, for many records at once)."""
    def of(ids: list[int]):
        ranked = (select(model.id, func.row_number().over(partition_by=partition, order_by=order).label("newest"))
                  .where(model.record_id.in_(ids)).subquery())
        return select(model).where(model.id.in_(select(ranked.c.id).where(ranked.c.newest == 1)))

    return of


def record_summaries(session: Session, record_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """`record_summary` of many records with one query per entry kind (an import's chunk)."""
    ids = sorted(set(record_ids))
    newest_observations = _newest(Observation, (Observation.record_id, Observation.code),
                                  Observation.effective_at.desc(), Observation.id.desc())
    newest_visits = _newest(Encounter, (Encounter.record_id,), Encounter.start_at.desc(), Encounter.id.desc())
    entries = {
        "observation": list(session.scalars(newest_observations(ids))),
        **{kind: list(session.scalars(select(model).where(model.record_id.in_(ids)).order_by(model.id)))
           for kind, model in (("condition", Condition), ("allergy", Allergy), ("risk_factor", RiskFactor))},
        "encounter": list(session.scalars(newest_visits(ids))),
    }
    counts = dict(session.execute(select(Immunization.record_id, func.count()).where(Immunization.record_id.in_(ids))
                                  .group_by(Immunization.record_id)).all())
    return _summaries_of(session, entries, {record_id: counts.get(record_id, 0) for record_id in ids})


def _summaries_of(session: Session, entries: dict[str, list[Any]],
                  immunization_counts: dict[int, int]) -> dict[int, dict[str, Any]]:
    """Each record's summary from its entries (the newest observation of each code and the last
    visit already chosen), with corrections applied and names filled in."""
    corrections = corrections_for(session, {kind: [e.id for e in rows] for kind, rows in entries.items()})
    views: dict[int, dict[str, list[dict[str, Any]]]] = {record_id: {kind: [] for kind in entries}
                                                         for record_id in immunization_counts}
    for kind, rows in entries.items():
        for entry, view in zip(rows, entry_views(session, BY_RESOURCE_TYPE[kind], rows, corrections)):
            views[entry.record_id][kind].append(view)
    return {record_id: _summary_of(views[record_id], count) for record_id, count in immunization_counts.items()}


def _summary_of(views: dict[str, list[dict[str, Any]]], immunization_count: int) -> dict[str, Any]:
    result: dict[str, Any] = {**EMPTY_RECORD, "vital_signs": [], "lab_results": []}
    for view in sorted(views["observation"], key=lambda v: CODE_ORDER[v["code"]]):
        result["vital_signs" if view["category"] == "vital-signs" else "lab_results"].append(view)
    result["active_conditions"] = [v for v in _latest_by(views["condition"], "code")
                                   if v["status"] in codes.ACTIVE_STATUSES]
    result["allergies"] = views["allergy"]
    result["risk_factors"] = _latest_by(views["risk_factor"], "kind")
    result["last_visit"] = views["encounter"][0] if views["encounter"] else None
    result["immunization_count"] = immunization_count
    return result


def _page_of(session: Session, kind, stmt, order, *, limit: int, cursor: str | None) -> Page:
    page = paginate(session, stmt, order, limit=limit, cursor=cursor)
    return Page(entry_views(session, kind, page.items), page.next_cursor)


def list_observations(session: Session, subject: Subject, *, limit: int, cursor: str | None,
                      code: str | None = None, from_: datetime | None = None, to: datetime | None = None) -> Page:
    stmt = select(Observation).where(Observation.record_id == (subject.record_id or -1))
    if code:
        stmt = stmt.where(Observation.code == code)
    if from_:
        stmt = stmt.where(Observation.effective_at >= from_)
    if to:
        stmt = stmt.where(Observation.effective_at < to)
    return _page_of(session, OBSERVATION, stmt, [Observation.effective_at, Observation.id], limit=limit, cursor=cursor)


def list_encounters(session: Session, subject: Subject, *, limit: int, cursor: str | None) -> Page:
    stmt = select(Encounter).where(Encounter.record_id == (subject.record_id or -1))
    return _page_of(session, ENCOUNTER, stmt, [Encounter.start_at, Encounter.id], limit=limit, cursor=cursor)


def list_immunizations(session: Session, subject: Subject, *, limit: int, cursor: str | None) -> Page:
    stmt = select(Immunization).where(Immunization.record_id == (subject.record_id or -1))
    return _page_of(session, IMMUNIZATION, stmt, [Immunization.given_on, Immunization.id], limit=limit,
                    cursor=cursor)


def owned_entry(session: Session, subject: Subject, resource_type: str, entry_id: uuid.UUID) -> Any:
    """An entry of the subject's record. Someone else's entry answers exactly like a missing
    one; nothing is written to the other person's access log (the caller's miss is counted
    against the caller, services/health/probes.py)."""
    kind = BY_RESOURCE_TYPE[resource_type]
    entry = session.scalar(select(kind.model).where(kind.model.public_id == entry_id))
    if entry is not None and entry.record_id == subject.record_id:
        return entry
    raise NotFound(lazy_text("health.reading.no_value_s_id", value=resource_type.replace('_', ' ')), code="not_found")


def one_entry(session: Session, subject: Subject, resource_type: str, entry_id: uuid.UUID) -> dict[str, Any]:
    entry = owned_entry(session, subject, resource_type, entry_id)
    return entry_views(session, BY_RESOURCE_TYPE[resource_type], [entry])[0]
