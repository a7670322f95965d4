"""Query and response shapes of /metrics."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api.language import CatalogueText
from services.metrics.usage import ANY_FEATURE, FEATURES
from services.metrics.usage_report import GRANULARITIES
from services.metrics.units import LEVELS


class IndicatorQuerySchema(ma.Schema):
    period = ma.fields.String(required=True, validate=validate.Length(max=10),
                              metadata={"description": "2024, 2024-Q3 or 2024-11", "example": "2024"})
    level = ma.fields.String(validate=validate.OneOf(LEVELS),
                             metadata={"description": "Default district (or the level of unit_code)"})
    unit_code = ma.fields.String(validate=validate.Length(max=10))
    units = ma.fields.String(validate=validate.OneOf(["2025"]), metadata={
        "description": "2025: a past period re-expressed on the 126 wards and communes of 2025"})
    format = ma.fields.String(validate=validate.OneOf(["json", "csv"]),
                              metadata={"description": "csv: the same as Accept: text/csv"})


class IndicatorSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String(metadata={"description": "Vietnamese name"})
    name_en = ma.fields.String()
    pillar = ma.fields.String()
    unit_code = ma.fields.String()
    unit_name = ma.fields.String()
    level = ma.fields.String()
    period = ma.fields.String()
    numerator = ma.fields.Integer(allow_none=True)
    denominator = ma.fields.Integer(allow_none=True)
    value = ma.fields.Float(allow_none=True, metadata={"description": "numerator / denominator, 0..1"})
    suppressed = ma.fields.Boolean(metadata={"description": "a count is below the threshold; numbers are null"})
    catalogue_version = ma.fields.String()
    counting_unit = ma.fields.String(metadata={
        "description": "home_unit (where the person lives; a dossier by its owner's home unit) or receiving_unit"})
    provisional = ma.fields.Boolean(metadata={
        "description": "the period has not ended: counted live, the numbers will still move"})


class IndicatorListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IndicatorSchema), required=True)


class UsageQuerySchema(ma.Schema):
    first = ma.fields.Date(data_key="from", metadata={"description": "Default: 30 days before `to`"})
    last = ma.fields.Date(data_key="to", metadata={"description": "Default: today (Asia/Ho_Chi_Minh)"})
    feature = ma.fields.String(validate=validate.OneOf([*FEATURES, ANY_FEATURE]))
    unit_code = ma.fields.String(validate=validate.Length(max=10))
    granularity = ma.fields.String(load_default="day", validate=validate.OneOf(GRANULARITIES))


class UsageItemSchema(ma.Schema):
    date = ma.fields.Date(metadata={"description": "The day, or the first day of the month"})
    unit_code = ma.fields.String()
    feature = ma.fields.String()
    requests = ma.fields.Integer(allow_none=True)
    active_users = ma.fields.Integer(allow_none=True)
    suppressed = ma.fields.Boolean(metadata={
        "description": "a count is below the threshold, or the row hides another one; counts are null"})


class UsageListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UsageItemSchema), required=True)


class ServiceIndexQuerySchema(ma.Schema):
    period = ma.fields.String(required=True, validate=validate.Length(max=10),
                              metadata={"description": "2026, 2026-Q4 or 2026-11", "example": "2026"})
    agency_code = ma.fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class ServiceIndexEntrySchema(ma.Schema):
    agency_code = ma.fields.String()
    period = ma.fields.String()
    code = ma.fields.String()
    group = ma.fields.String(metadata={"description": "The Decision 766 group it scores"})
    name = CatalogueText(metadata={"description": "In the request's language"})
    source = CatalogueText(metadata={"description": "What the numerator and denominator count"})
    numerator = ma.fields.Integer(allow_none=True)
    denominator = ma.fields.Integer(allow_none=True)
    value = ma.fields.Float(allow_none=True, metadata={"description": "numerator / denominator, 0..1"})
    suppressed = ma.fields.Boolean(metadata={"description": "a count is below the threshold; numbers are null"})


class ElsewhereSchema(ma.Schema):
    code = ma.fields.String()
    group = ma.fields.String()
    name = CatalogueText(metadata={"description": "In the request's language"})
    external_source = CatalogueText(metadata={"description": "The systems that hold the data this group needs"})


class ServiceIndexSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ServiceIndexEntrySchema), required=True)
    elsewhere = ma.fields.List(ma.fields.Nested(ElsewhereSchema), required=True, metadata={
        "description": "Groups this system cannot measure from its own data, and where their data lives"})
