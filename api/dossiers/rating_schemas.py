"""Request and response shapes of the rating endpoints."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from api.language import CatalogueText
from services.dossiers.ratings import CRITERIA, HIGHEST, LOWEST

CRITERION_CODES = ", ".join(CRITERIA)


class CriterionSchema(ma.Schema):
    code = ma.fields.String()
    name = CatalogueText(metadata={"description": "In the request's language"})


class CriterionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CriterionSchema), required=True)


class RatingBodySchema(ma.Schema):
    scores = ma.fields.Dict(
        keys=ma.fields.String(),  # the service names an unknown criterion (422 unknown_criterion)
        values=ma.fields.Integer(strict=True, validate=validate.Range(min=LOWEST, max=HIGHEST)),
        required=True, metadata={"description": f"A score {LOWEST}..{HIGHEST} on every criterion: {CRITERION_CODES}"})
    comment = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RatingSchema(ma.Schema):
    scores = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    comment = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    changeable_until = ma.fields.DateTime(metadata={"description": "Changes after this: 409 rating_closed"})


class AgencyRatingsQuery(ma.Schema):
    period = ma.fields.String(required=True, validate=validate.Length(max=10),
                              metadata={"description": "2026, 2026-Q4 or 2026-11", "example": "2026"})


class CriterionAverageSchema(ma.Schema):
    code = ma.fields.String()
    name = CatalogueText(metadata={"description": "In the request's language"})
    average = ma.fields.Float(allow_none=True, metadata={"description": "1..5; null when suppressed"})


class AgencyRatingsSchema(ma.Schema):
    agency_code = ma.fields.String()
    period = ma.fields.String()
    ratings = ma.fields.Integer(allow_none=True, metadata={"description": "Ratings given in the period"})
    suppressed = ma.fields.Boolean(metadata={"description": "Too few ratings: the numbers are null"})
    criteria = ma.fields.List(ma.fields.Nested(CriterionAverageSchema))
