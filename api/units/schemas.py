"""The units' query and answer shapes."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api.pagination import PageQuery
from services.reference.units import KINDS


class UnitSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "city, district, ward, commune or township"})
    level = ma.fields.String(metadata={"description": "city, district or commune (wards and townships too)"})
    parent_code = ma.fields.String(allow_none=True)
    valid_from = ma.fields.Date(allow_none=True, metadata={"description": "Empty: the start is not known"})
    valid_to = ma.fields.Date(allow_none=True)


class LinkSchema(ma.Schema):
    unit = ma.fields.Nested(UnitSchema)
    share = ma.fields.Decimal(as_string=True, allow_none=True,
                              metadata={"description": "The old unit's share in the new one"})
    basis = ma.fields.String(metadata={"description": "whole, equal_split or through_wards"})
    is_default = ma.fields.Boolean(allow_none=True)


class UnitViewSchema(ma.Schema):
    unit = ma.fields.Nested(UnitSchema)
    periods = ma.fields.List(ma.fields.Nested(UnitSchema), metadata={
        "description": "The unit's rows oldest first (same code, level and parent): a kind that changed "
                       "while the code stayed gives two"})
    predecessors = ma.fields.List(ma.fields.Nested(LinkSchema))
    successors = ma.fields.List(ma.fields.Nested(LinkSchema))


class UnitQuerySchema(PageQuery):
    at = ma.fields.Date(metadata={"description": "Default: today (Asia/Ho_Chi_Minh)"})
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    parent = ma.fields.String(validate=validate.Length(max=10),
                              metadata={"description": "Code of the unit they lie in on `at`"})


class UnitAtSchema(ma.Schema):
    at = ma.fields.Date(metadata={"description": "Default: today (Asia/Ho_Chi_Minh)"})
