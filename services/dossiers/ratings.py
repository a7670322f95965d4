"""Citizens rate a decided dossier (issue 16 point 7): a score 1..5 on each of the national
public-service portal's criteria and an optional comment, once per dossier, changeable for
RATING_CHANGE_DAYS after it was first given.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from models.dossiers import Dossier, DossierStatus as S
from models.ratings import DossierRating, DossierRatingScore
from services.context import Context
from services.dossiers.actors import owner_actor
from services.dossiers.transitions import lock_dossier
from services.errors import Conflict, ValidationFailed
from services.messages import LazyText, lazy_text

# The portal's satisfaction criteria (code -> what the citizen is asked about, in the reader's
# language), in the order the app shows them. Check the codes against the portal's integration
# spec before wiring a real exchange.
CRITERIA: dict[str, LazyText] = {
    "guidance": lazy_text("rating.criterion.guidance"),
    "timeliness": lazy_text("rating.criterion.timeliness"),
    "contacts": lazy_text("rating.criterion.contacts"),
    "attitude": lazy_text("rating.criterion.attitude"),
    "fees": lazy_text("rating.criterion.fees"),
    "result": lazy_text("rating.criterion.result"),
    "publicity": lazy_text("rating.criterion.publicity"),
}
LOWEST, HIGHEST = 1, 5
# A dossier can be rated once it has been decided (its result handed back included).
RATEABLE = frozenset({S.APPROVED, S.REJECTED, S.RETURNED})


@dataclass(frozen=True)
class Criterion:
    code: str
    name: LazyText


@dataclass(frozen=True)
class RatingView:
    scores: dict[str, int]
    comment: str | None
    created_at: datetime
    updated_at: datetime
    changeable_until: datetime


def criteria() -> list[Criterion]:
    return [Criterion(code, name) for code, name in CRITERIA.items()]


def _check_scores(scores: dict[str, int]) -> None:
    unknown = sorted(set(scores) - set(CRITERIA))
    missing = [code for code in CRITERIA if code not in scores]
    out_of_range = sorted(code for code, score in scores.items()
                          if code in CRITERIA and not LOWEST <= score <= HIGHEST)
    errors = {f"scores.{code}": [lazy_text("rating.no_such_criterion")] for code in unknown}
    errors |= {f"scores.{code}": [lazy_text("rating.criterion_not_scored")] for code in missing}
    errors |= {f"scores.{code}": [lazy_text("rating.score_out_of_range", lowest=LOWEST, highest=HIGHEST)]
               for code in out_of_range}
    if errors:
        code = "unknown_criterion" if unknown else ("missing_criterion" if missing else "invalid_score")
        raise ValidationFailed(lazy_text("dossiers.ratings.one_score_each"), errors=errors, code=code)


def _view(ctx: Context, rating: DossierRating) -> RatingView:
    scores = dict(ctx.session.execute(select(DossierRatingScore.criterion, DossierRatingScore.score)
                                      .where(DossierRatingScore.dossier_id == rating.dossier_id)).all())
    return RatingView({code: scores[code] for code in CRITERIA if code in scores}, rating.comment,
                      rating.created_at, rating.updated_at, _closes_at(ctx, rating))


def _closes_at(ctx: Context, rating: DossierRating) -> datetime:
    return rating.created_at + timedelta(days=ctx.settings.rating_change_days)


def _rateable(dossier: Dossier) -> None:
    if dossier.status not in RATEABLE:
        raise Conflict(lazy_text("dossiers.ratings.not_open"), code="rating_not_open",
                       current=str(dossier.status))


def rate(ctx: Context, code: str, *, scores: dict[str, int], comment: str | None = None) -> RatingView:
    """The owner rates a decided dossier, or changes the rating while the window is open."""
    session, now = ctx.session, ctx.clock.now()
    dossier = lock_dossier(session, code)
    owner_actor(ctx, dossier)
    _rateable(dossier)
    _check_scores(scores)
    rating = session.get(DossierRating, dossier.id)
    if rating is None:
        rating = DossierRating(dossier_id=dossier.id, agency_code=dossier.agency_code, created_at=now)
        session.add(rating)
    elif now >= _closes_at(ctx, rating):
        raise Conflict(lazy_text("dossiers.ratings.closed"), code="rating_closed",
                       changeable_until=_closes_at(ctx, rating).isoformat())
    rating.comment, rating.updated_at = (comment or "").strip() or None, now
    session.flush()
    held = {s.criterion: s for s in session.scalars(
        select(DossierRatingScore).where(DossierRatingScore.dossier_id == dossier.id))}
    for criterion, score in scores.items():
        if criterion in held:
            held[criterion].score = score
        else:
            session.add(DossierRatingScore(dossier_id=dossier.id, criterion=criterion, score=score))
    session.flush()
    return _view(ctx, rating)
