"""The shape of a provider batch, described once: the OpenAPI document and the HTTP route
read these schemas (api/health/schemas.py), and services/health/batch.py takes each kind's
allowed fields from them for the NDJSON import and the corrections."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from services.health import codes


class _Item(ma.Schema):
    source_id = ma.fields.String(required=True, metadata={"description": "unique within the facility"})


class ObservationItem(_Item):
    code = ma.fields.String(required=True, metadata={"description": "LOINC", "example": "8480-6"})
    value = ma.fields.Float(required=True)
    unit = ma.fields.String(required=True, metadata={"description": "UCUM", "example": "mm[Hg]"})
    effective_at = ma.fields.DateTime(required=True)


class ConditionItem(_Item):
    code = ma.fields.String(required=True, metadata={"description": "ICD-10", "example": "I10"})
    onset_date = ma.fields.Date(load_default=None)
    status = ma.fields.String(load_default="active", validate=validate.OneOf(codes.CONDITION_STATUSES))


class AllergyItem(_Item):
    substance = ma.fields.String(required=True)
    reaction = ma.fields.String(load_default=None)


class RiskFactorItem(_Item):
    kind = ma.fields.String(required=True, validate=validate.OneOf(list(codes.RISK_FACTORS)))
    value = ma.fields.String(required=True)


class ImmunizationItem(_Item):
    vaccine = ma.fields.String(required=True)
    date = ma.fields.Date(required=True)
    dose_number = ma.fields.Integer(load_default=1, strict=True)


class EncounterItem(_Item):
    start = ma.fields.DateTime(required=True)
    end = ma.fields.DateTime(load_default=None)
    reason = ma.fields.String(load_default=None)
    diagnoses = ma.fields.List(ma.fields.String(), load_default=list)
    summary = ma.fields.String(load_default=None)


# Batch key -> the schema of one item of that kind.
ITEM_SCHEMAS: dict[str, type[ma.Schema]] = {
    "observations": ObservationItem,
    "conditions": ConditionItem,
    "allergies": AllergyItem,
    "risk_factors": RiskFactorItem,
    "immunizations": ImmunizationItem,
    "encounters": EncounterItem,
}

ProviderBatchSchema = ma.Schema.from_dict(
    {kind: ma.fields.List(ma.fields.Nested(item), load_default=None) for kind, item in ITEM_SCHEMAS.items()},
    name="ProviderBatchSchema")
