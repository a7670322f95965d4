"""The versioned indicator catalogue, read from data/indicator_catalogue.json.

Catalogues change between years, so each version has a validity; a period is computed
with the version valid on its last day. Adding the 2025 set = adding a version to the file
(and closing the 2024 one with `valid_to`); a new code also needs its formula in
services/metrics/sources.FORMULAS.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from functools import cache

from services.errors import ValidationFailed
from services.messages import lazy_text

CATALOGUE_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "data", "indicator_catalogue.json")
PILLARS = ("digital_society", "digital_government")
COUNTING_UNITS = ("home_unit", "receiving_unit")


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    name_vi: str
    name_en: str
    pillar: str
    numerator: str
    denominator: str
    # Which unit a person or dossier is counted in: "home_unit" (where the person lives; a
    # dossier by its owner's home unit as copied onto it when filed), or "receiving_unit"
    # (the service centre that received a dossier, wherever its owner lives).
    counting_unit: str = "home_unit"


@dataclass(frozen=True)
class Catalogue:
    version: str
    title: str
    valid_from: date
    valid_to: date | None
    indicators: tuple[IndicatorDefinition, ...]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _parse(raw: dict) -> Catalogue:
    indicators = tuple(IndicatorDefinition(**item) for item in raw["indicators"])
    for indicator in indicators:
        if indicator.pillar not in PILLARS:
            raise ValueError(f"{indicator.code}: unknown pillar {indicator.pillar}")
        if indicator.counting_unit not in COUNTING_UNITS:
            raise ValueError(f"{indicator.code}: unknown counting_unit {indicator.counting_unit}")
    return Catalogue(raw["version"], raw["title"], date.fromisoformat(raw["valid_from"]),
                     date.fromisoformat(raw["valid_to"]) if raw["valid_to"] else None, indicators)


@cache
def catalogues(path: str = CATALOGUE_FILE) -> tuple[Catalogue, ...]:
    with open(path, encoding="utf-8") as stream:
        return tuple(_parse(raw) for raw in json.load(stream)["catalogues"])


def catalogue_for(day: date) -> Catalogue:
    """The catalogue version valid on `day` (the last day of the period asked for)."""
    for catalogue in catalogues():
        if catalogue.covers(day):
            return catalogue
    raise ValidationFailed.on_field("period", lazy_text("metrics.catalogue.no_indicator_catalogue_covers"),
                                    "no_catalogue")
