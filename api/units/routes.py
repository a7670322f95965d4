"""/units: the administrative units valid on a day, and one unit with its crosswalk. Public."""
from __future__ import annotations

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.pagination import page_of
from api.units import schemas
from services.reference import unit_timeline

blp = Blueprint("units", __name__, url_prefix="/api/v1/units", description="Administrative units")


@blp.route("")
class Units(MethodView):
    @blp.arguments(schemas.UnitQuerySchema, location="query")
    @blp.response(200, page_of(schemas.UnitSchema))
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self, query):
        """The units valid on a day, by code: the 2024 districts and wards to 2025-06-30, the
        city's 126 wards and communes from 2025-07-01."""
        return unit_timeline.list_units(request_context(), **query)


@blp.route("/<code>")
class Unit(MethodView):
    @blp.arguments(schemas.UnitAtSchema, location="query")
    @blp.response(200, schemas.UnitViewSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query, code: str):
        """The unit `code` names on a day, with the units it came from and went to (shares and basis)."""
        return unit_timeline.show_unit(request_context(), code, **query)
