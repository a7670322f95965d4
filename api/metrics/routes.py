"""/metrics: digital-society indicators (JSON or CSV) and folded app usage, for analysts."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.metrics import schemas
from models.identity import Role
from services.metrics import analyst
from services.metrics.export import indicators_csv
from services.metrics.indicators import IndicatorQuery
from services.metrics.usage_report import UsageQuery

blp = Blueprint("metrics", __name__, url_prefix="/api/v1/metrics",
                description="Adoption metrics (analyst, admin)")

# The CSV variant of the 200 answer (UTF-8 with BOM; the columns of the JSON items).
CSV_DOC = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}


def _wants_csv(query: dict) -> bool:
    if "format" in query:
        return query["format"] == "csv"
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def csv_attachment(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"', "Vary": "Accept"})


@blp.route("/indicators")
class Indicators(MethodView):
    @blp.auth(Role.ANALYST, Role.ADMIN)
    @blp.arguments(schemas.IndicatorQuerySchema, location="query")
    @blp.response(200, schemas.IndicatorListSchema)
    @blp.doc(**CSV_DOC)
    def get(self, query):
        """Indicators per unit for a year, quarter or month; small counts suppressed.

        `Accept: text/csv` or `?format=csv` gives the same rows as CSV (UTF-8 with BOM).
        """
        values = analyst.indicators(
            request_context(), IndicatorQuery(query["period"], query.get("level"), query.get("unit_code"), query.get("units")))
        if _wants_csv(query):
            return csv_attachment(indicators_csv(values), f"indicators-{query['period']}.csv")
        return {"items": values}


@blp.route("/usage")
class Usage(MethodView):
    @blp.auth(Role.ANALYST, Role.ADMIN)
    @blp.arguments(schemas.UsageQuerySchema, location="query")
    @blp.response(200, schemas.UsageListSchema)
    def get(self, query):
        """Requests and distinct active citizens per unit and feature, by day or month."""
        return {"items": analyst.usage(request_context(), UsageQuery(**query))}
