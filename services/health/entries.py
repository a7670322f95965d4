"""The entry kinds of a health record, in one table: model, batch key, fields shown in the API."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.health import Allergy, Condition, Encounter, Immunization, Observation, RiskFactor


@dataclass(frozen=True)
class EntryKind:
    resource_type: str  # as a citizen names it in a correction request
    batch_key: str  # the list of the provider batch
    model: type
    fields: dict[str, str]  # API field -> model attribute


ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind("observation", "observations", Observation,
              {"code": "code", "value": "value", "unit": "unit", "effective_at": "effective_at",
               "derived": "derived"}),
    EntryKind("condition", "conditions", Condition,
              {"code": "code", "onset_date": "onset_date", "status": "status"}),
    EntryKind("allergy", "allergies", Allergy, {"substance": "substance", "reaction": "reaction"}),
    EntryKind("risk_factor", "risk_factors", RiskFactor, {"kind": "kind", "value": "value"}),
    EntryKind("immunization", "immunizations", Immunization,
              {"vaccine": "vaccine", "date": "given_on", "dose_number": "dose_number"}),
    EntryKind("encounter", "encounters", Encounter,
              {"start": "start_at", "end": "end_at", "reason": "reason", "diagnoses": "diagnoses",
               "summary": "summary"}),
)
BY_RESOURCE_TYPE = {kind.resource_type: kind for kind in ENTRY_KINDS}
BY_BATCH_KEY = {kind.batch_key: kind for kind in ENTRY_KINDS}
RESOURCE_TYPES = tuple(BY_RESOURCE_TYPE)


def api_fields(kind: EntryKind, entry: Any) -> dict[str, Any]:
    """The entry as the API shows it, before corrections."""
    return {name: getattr(entry, attribute) for name, attribute in kind.fields.items()}
