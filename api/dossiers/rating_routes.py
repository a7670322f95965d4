"""Ratings of decided dossiers: the portal's criteria, the owner's rating, an agency's averages."""
from __future__ import annotations

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import request_context
from api.dossiers import rating_schemas as schemas
from models.identity import Role
from services.dossiers import rating_averages, ratings

blp = Blueprint("dossier_ratings", __name__, url_prefix="/api/v1", description="Ratings of decided dossiers")


@blp.route("/rating-criteria")
class Criteria(MethodView):
    @blp.response(200, schemas.CriterionListSchema)
    def get(self):
        """The national public-service portal's rating criteria, each scored 1..5."""
        return {"items": ratings.criteria()}


@blp.route("/dossiers/<code>/rating")
class Rating(MethodView):
    @blp.auth(Role.CITIZEN)
    @blp.arguments(schemas.RatingBodySchema)
    @blp.response(200, schemas.RatingSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def put(self, body, code: str):
        """Rate a decided dossier (the owner), or change the rating within RATING_CHANGE_DAYS."""
        return ratings.rate(request_context(), code, **body)


@blp.route("/agency/ratings")
class AgencyRatings(MethodView):
    @blp.auth(Role.OFFICER)
    @blp.arguments(schemas.AgencyRatingsQuery, location="query")
    @blp.response(200, schemas.AgencyRatingsSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self, query):
        """The officer's agency: how many rated in the period and the average per criterion; never who."""
        return rating_averages.agency_averages(request_context(), **query)
