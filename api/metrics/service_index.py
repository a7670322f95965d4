"""/metrics/service-index: the Decision 766 measures per agency and period, for analysts."""
from __future__ import annotations

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.metrics import schemas
from models.identity import Role
from services.metrics import service_index

blp = Blueprint("service_index", __name__, url_prefix="/api/v1/metrics",
                description="The service index per agency (analyst, admin)")


@blp.route("/service-index")
class ServiceIndex(MethodView):
    @blp.auth(Role.ANALYST, Role.ADMIN)
    @blp.arguments(schemas.ServiceIndexQuerySchema, location="query")
    @blp.response(200, schemas.ServiceIndexSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self, query):
        """Per agency, the Decision 766 measures this system computes from its own data; small cells suppressed."""
        return service_index.service_index(request_context(), **query)
