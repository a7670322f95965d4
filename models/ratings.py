"""Citizens' ratings of decided dossiers (issue 16): one rating per dossier, one score per criterion.

The agency is copied from the dossier when it is rated, so its averages are read without the
dossier; nothing an officer reads from here names the owner or the dossier.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import UTCDateTime


class DossierRating(Base):
    __tablename__ = "dossier_ratings"
    __table_args__ = (Index("ix_dossier_ratings_agency_created", "agency_code", "created_at"),)

    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossiers.id", ondelete="CASCADE"),
                                            primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DossierRatingScore(Base):
    """A score 1..5 on one of the portal's criteria (services/dossiers/ratings.py: CRITERIA)."""

    __tablename__ = "dossier_rating_scores"

    dossier_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("dossier_ratings.dossier_id", ondelete="CASCADE"),
                                            primary_key=True)
    criterion: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[int] = mapped_column(SmallInteger)
