"""Checking a provider batch: shapes, codes, units, plausible ranges, dates; BMI derivation.

Works on plain JSON values (strings for dates) or already-typed values, so the HTTP route
and the NDJSON import run the very same rules. Every problem is reported on its field path
(`observations.0.value`) with the reason.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from services.calendar.business_days import HANOI
from services.errors import ValidationFailed
from services.health import codes
from services.health.batch_shape import ITEM_SCHEMAS
from services.messages import LazyText, lazy_text

KINDS = tuple(ITEM_SCHEMAS)
MAX_ITEMS = 1_000
SOURCE_ID_MAX = 90  # leaves room for the suffix of a derived entry's source id
MAX_DOSE = 20
MAX_DIAGNOSES = 20
CLOCK_SKEW = timedelta(minutes=5)
UNKNOWN_FIELD = lazy_text("health.batch.unknown_field")

# LOINC code -> what it measures, as a person reads it in a field message (codes.py keeps the
# LOINC display name, which the FHIR export sends as it is).
OBSERVATION_NAMES: dict[str, LazyText] = {
    "8302-2": lazy_text("health.observation.body_height"),
    "29463-7": lazy_text("health.observation.body_weight"),
    "39156-5": lazy_text("health.observation.bmi"),
    "8480-6": lazy_text("health.observation.systolic"),
    "8462-4": lazy_text("health.observation.diastolic"),
    "8867-4": lazy_text("health.observation.heart_rate"),
    "9279-1": lazy_text("health.observation.respiratory_rate"),
    "8310-5": lazy_text("health.observation.body_temperature"),
    "2708-6": lazy_text("health.observation.oxygen_saturation"),
    "8280-0": lazy_text("health.observation.waist"),
    "1558-6": lazy_text("health.observation.fasting_glucose"),
    "4548-4": lazy_text("health.observation.hba1c"),
    "2093-3": lazy_text("health.observation.total_cholesterol"),
    "2085-9": lazy_text("health.observation.hdl"),
    "13457-7": lazy_text("health.observation.ldl"),
    "2160-0": lazy_text("health.observation.creatinine"),
}


class _Invalid(ValueError):
    """One field's problem, raised inside an item check and collected by path."""

    def __init__(self, field_name: str, message: LazyText) -> None:
        super().__init__(field_name)
        self.field_name, self.message = field_name, message


@dataclass
class Context:
    now: datetime
    born: date | None = None

    @cached_property
    def today(self) -> date:
        return self.now.astimezone(HANOI).date()

    @cached_property
    def born_at(self) -> datetime | None:
        """Midnight in Hanoi of the birth date: nothing about the patient happened before it."""
        return datetime.combine(self.born, time.min, HANOI) if self.born else None


@dataclass
class CleanBatch:
    """Validated entries per kind, as column dicts (without record, facility and time)."""

    entries: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in KINDS})

    @property
    def size(self) -> int:
        return sum(len(rows) for rows in self.entries.values())


# -- single values ---------------------------------------------------------------------------

def _text(item: dict, name: str, *, max_len: int, optional: bool = False) -> str | None:
    value = item.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        if optional and value == "":
            return None
        raise _Invalid(name, lazy_text("health.batch.text_required") if value is None
                       else lazy_text("health.batch.text_empty"))
    value = " ".join(value.split()) if max_len <= 500 else value.strip()
    if len(value) > max_len:
        raise _Invalid(name, lazy_text("health.batch.text_too_long", max=max_len))
    return value


def _number(item: dict, name: str) -> float:
    value = item.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Invalid(name, lazy_text("health.batch.not_a_number"))
    return float(value)


def _moment(item: dict, name: str, ctx: Context, *, optional: bool = False) -> datetime | None:
    value = item.get(name)
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise _Invalid(name, lazy_text("health.batch.datetime_unreadable")) from None
    if not isinstance(value, datetime):
        raise _Invalid(name, lazy_text("health.batch.datetime_required"))
    if value.tzinfo is None:
        raise _Invalid(name, lazy_text("health.batch.datetime_needs_offset"))
    if value > ctx.now + CLOCK_SKEW:
        raise _Invalid(name, lazy_text("health.batch.in_future"))
    if ctx.born_at and value < ctx.born_at:
        raise _Invalid(name, lazy_text("health.batch.before_birth"))
    return value


def _day(item: dict, name: str, ctx: Context, *, optional: bool = False) -> date | None:
    value = item.get(name)
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise _Invalid(name, lazy_text("health.batch.date_unreadable")) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _Invalid(name, lazy_text("health.batch.date_required"))
    if value > ctx.today:
        raise _Invalid(name, lazy_text("health.batch.in_future"))
    if ctx.born and value < ctx.born:
        raise _Invalid(name, lazy_text("health.batch.before_birth"))
    return value


def _icd10(value: Any, name: str) -> str:
    if not isinstance(value, str) or not codes.ICD10_SHAPE.match(value.strip().upper()):
        raise _Invalid(name, lazy_text("health.batch.not_icd10"))
    return value.strip().upper()


def _one_of(item: dict, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = item.get(name, default)
    if value not in allowed:
        raise _Invalid(name, lazy_text("health.batch.one_of", allowed=", ".join(allowed)))
    return value


def _shown(number: float) -> float:
    """A measured value among a text's values: a float, which `translate` writes as the reader's
    language does, without trailing zeros (`95`, `36,6` in Vietnamese, `36.6` in English)."""
    return float(number)


def _name_of(code: str) -> LazyText | str:
    """What a LOINC code measures, in the reader's language (the LOINC name if the table lacks it)."""
    return OBSERVATION_NAMES.get(code) or codes.OBSERVATION_CODES[code].name


# -- one item of each kind -------------------------------------------------------------------

def observation(item: dict, ctx: Context) -> dict[str, Any]:
    code = item.get("code")
    if code in codes.DERIVED_CODES:
        raise _Invalid("code", lazy_text("health.batch.bmi_is_derived"))
    known = codes.OBSERVATION_CODES.get(code) if isinstance(code, str) else None
    if known is None:
        raise _Invalid("code", lazy_text("health.batch.unknown_loinc"))
    unit = item.get("unit")
    if unit not in known.units:
        raise _Invalid("unit", lazy_text("health.batch.unit_not_allowed", name=_name_of(code),
                                          units=", ".join(known.units)))
    value = _number(item, "value")
    low, high = known.units[unit]
    if not low <= value <= high:
        raise _Invalid("value", lazy_text("health.batch.value_implausible", name=_name_of(code), value=_shown(value),
                                          unit=unit, low=_shown(low), high=_shown(high)))
    return {"code": code, "value": value, "unit": unit, "effective_at": _moment(item, "effective_at", ctx),
            "derived": False}


def condition(item: dict, ctx: Context) -> dict[str, Any]:
    return {"code": _icd10(item.get("code"), "code"), "onset_date": _day(item, "onset_date", ctx, optional=True),
            "status": _one_of(item, "status", codes.CONDITION_STATUSES, default="active")}


def allergy(item: dict, ctx: Context) -> dict[str, Any]:
    return {"substance": _text(item, "substance", max_len=200),
            "reaction": _text(item, "reaction", max_len=200, optional=True)}


def risk_factor(item: dict, ctx: Context) -> dict[str, Any]:
    kind = _one_of(item, "kind", tuple(codes.RISK_FACTORS))
    allowed = codes.RISK_FACTORS[kind].values
    value = _one_of(item, "value", allowed) if allowed else _text(item, "value", max_len=200)
    return {"kind": kind, "value": value}


def immunization(item: dict, ctx: Context) -> dict[str, Any]:
    dose = item.get("dose_number", 1)
    if isinstance(dose, bool) or not isinstance(dose, int) or not 1 <= dose <= MAX_DOSE:
        raise _Invalid("dose_number", lazy_text("health.batch.dose_number", max=MAX_DOSE))
    return {"vaccine": _text(item, "vaccine", max_len=200), "given_on": _day(item, "date", ctx),
            "dose_number": dose}


def encounter(item: dict, ctx: Context) -> dict[str, Any]:
    start = _moment(item, "start", ctx)
    end = _moment(item, "end", ctx, optional=True)
    if end is not None and end < start:
        raise _Invalid("end", lazy_text("health.batch.end_before_start"))
    diagnoses = item.get("diagnoses", [])
    if not isinstance(diagnoses, list) or len(diagnoses) > MAX_DIAGNOSES:
        raise _Invalid("diagnoses", lazy_text("health.batch.too_many_diagnoses", max=MAX_DIAGNOSES))
    return {"start_at": start, "end_at": end, "reason": _text(item, "reason", max_len=500, optional=True),
            "diagnoses": [_icd10(code, f"diagnoses.{i}") for i, code in enumerate(diagnoses)],
            "summary": _text(item, "summary", max_len=4000, optional=True)}


# Batch key -> check of one item (its fields are the item schema's, services/health/batch_shape.py).
ITEM_RULES: dict[str, Callable[[dict, Context], dict[str, Any]]] = {
    "observations": observation, "conditions": condition, "allergies": allergy,
    "risk_factors": risk_factor, "immunizations": immunization, "encounters": encounter,
}
ITEM_FIELDS: dict[str, frozenset[str]] = {kind: frozenset(schema().fields) for kind, schema in ITEM_SCHEMAS.items()}


def check_item(kind: str, item: dict, ctx: Context) -> dict[str, Any]:
    """One item checked alone; raises ValidationFailed with errors keyed by field name."""
    try:
        return ITEM_RULES[kind](item, ctx)
    except _Invalid as problem:
        raise ValidationFailed(lazy_text("health.batch.correction_valid"), errors={problem.field_name: [problem.message]},
                               code="invalid_health_entry") from None


# -- the whole batch -------------------------------------------------------------------------

def _source_id(item: dict, seen: set[str]) -> str:
    value = item.get("source_id")
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > SOURCE_ID_MAX:
        raise _Invalid("source_id", lazy_text("health.batch.source_id_required", max=SOURCE_ID_MAX))
    if value.strip() in seen:
        raise _Invalid("source_id", lazy_text("health.batch.source_id_repeated"))
    seen.add(value.strip())
    return value.strip()


def _check_list(kind: str, items: Any, ctx: Context, errors: dict[str, list[LazyText]]) -> list[dict[str, Any]]:
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        errors[kind] = [lazy_text("health.batch.too_many_items", max=MAX_ITEMS)]
        return []
    rule, allowed = ITEM_RULES[kind], ITEM_FIELDS[kind]
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors[f"{kind}.{index}"] = [lazy_text("health.batch.not_an_object")]
            continue
        if not allowed.issuperset(item):
            errors[f"{kind}.{index}.{sorted(set(item) - allowed)[0]}"] = [UNKNOWN_FIELD]
            continue
        try:
            row = rule(item, ctx)
            row["source_id"], row["_index"] = _source_id(item, seen), index
            rows.append(row)
        except _Invalid as problem:
            errors[f"{kind}.{index}.{problem.field_name}"] = [problem.message]
    return rows


def _check_pressures(observations: list[dict[str, Any]], errors: dict[str, list[LazyText]]) -> None:
    systolic = {o["effective_at"]: o["value"] for o in observations if o["code"] == codes.SYSTOLIC}
    for o in observations:
        if o["code"] == codes.DIASTOLIC and o["effective_at"] in systolic and o["value"] >= systolic[o["effective_at"]]:
            errors[f"observations.{o['_index']}.value"] = [lazy_text(
                "health.batch.diastolic_not_below_systolic", diastolic=_shown(o['value']),
                systolic=_shown(systolic[o['effective_at']]))]


def parse_batch(raw: dict[str, Any], ctx: Context) -> CleanBatch:
    """Validate a provider batch; raise ValidationFailed listing every bad field."""
    errors: dict[str, list[LazyText]] = {}
    unknown = set(raw) - set(KINDS)
    for name in sorted(unknown):
        errors[name] = [UNKNOWN_FIELD]
    batch = CleanBatch({kind: _check_list(kind, raw.get(kind), ctx, errors) for kind in KINDS})
    _check_pressures(batch.entries["observations"], errors)
    if not errors and batch.size == 0:
        errors["_body"] = [lazy_text("health.batch.empty")]
    if errors:
        raise ValidationFailed(lazy_text("health.batch.some_entries_valid"), errors=errors, code="invalid_health_entry")
    return batch


# -- BMI -------------------------------------------------------------------------------------

def bmi_of(weight_kg: float, height_cm: float) -> float:
    return round(weight_kg / (height_cm / 100) ** 2, 1)


def derive_bmi(observations: list[dict[str, Any]], stored_height: Callable[[datetime], float | None]
               ) -> tuple[list[dict[str, Any]], dict[str, list[LazyText]]]:
    """BMI entries for the batch's weights: with a height measured the same (local) day in the
    batch, else with `stored_height(moment)` (an earlier height, for adults).

    Returns the new entries and the errors of implausible results (keyed on the weight).
    """
    heights = {o["effective_at"].astimezone(HANOI).date(): o["value"]
               for o in sorted(observations, key=lambda o: o["effective_at"]) if o["code"] == codes.HEIGHT}
    low, high = codes.OBSERVATION_CODES[codes.BMI].units["kg/m2"]
    derived, errors = [], {}
    for weight in (o for o in observations if o["code"] == codes.WEIGHT):
        height = heights.get(weight["effective_at"].astimezone(HANOI).date()) or stored_height(weight["effective_at"])
        if height is None:
            continue
        value = bmi_of(weight["value"], height)
        if not low <= value <= high:
            errors[f"observations.{weight.get('_index', 0)}.value"] = [
                lazy_text("health.batch.bmi_implausible", height=_shown(height), bmi=_shown(value))]
            continue
        derived.append({"code": codes.BMI, "value": value, "unit": "kg/m2", "effective_at": weight["effective_at"],
                        "derived": True, "source_id": f"{weight['source_id']}#bmi"})
    return derived, errors
