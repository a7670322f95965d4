"""The whole record as a FHIR R4 Bundle (type `collection`): Patient, Observation (vital signs,
lab values, risk factors as social history), Condition, AllergyIntolerance, Immunization and
Encounter, with the LOINC, UCUM and ICD-10 system URIs. Corrected values are exported, with
the status `corrected` / `amended`."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.health import Allergy, Condition, Encounter, Immunization, Observation, RiskFactor
from services.clock import clock
from services.health import codes
from services.health.entries import BY_RESOURCE_TYPE
from services.health.subjects import Subject
from services.health.views import entry_views

CCCD_SYSTEM = "urn:ihanoi:sid:cccd"  # the Vietnamese personal identification number
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
ALLERGY_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ENCOUNTER_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
SUMMARY_EXTENSION = "urn:ihanoi:fhir:StructureDefinition:encounter-summary"
ENTRY_NAMESPACE = uuid.UUID("5b2f4c1e-7d3a-4a55-9a43-1f0e6c2b9d10")


def _when(value: datetime | date) -> str:
    return value.isoformat()


def _full_url(resource_type: str, entry_id: Any) -> str:
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, f'{resource_type}/{entry_id}')}"


def _performer(view: dict[str, Any]) -> dict[str, Any]:
    return {"display": view["facility_name"] or view["facility_code"],
            "identifier": {"system": "urn:ihanoi:facility", "value": view["facility_code"]}}


def _patient(subject: Subject) -> dict[str, Any]:
    person = subject.resident
    return {"resourceType": "Patient", "id": "patient",
            "identifier": [{"system": CCCD_SYSTEM, "value": person.national_id}],
            "name": [{"text": person.full_name}], "gender": person.sex,
            "birthDate": person.date_of_birth.isoformat()}


def _observation(view: dict[str, Any], patient: dict[str, str]) -> dict[str, Any]:
    known = codes.OBSERVATION_CODES[view["code"]]
    return {"resourceType": "Observation", "id": f"obs-{view['id']}",
            "status": "corrected" if view["corrected"] else "final",
            "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": known.category}]}],
            "code": {"coding": [{"system": codes.LOINC_SYSTEM, "code": view["code"], "display": known.name}],
                     "text": known.name},
            "subject": patient, "effectiveDateTime": _when(view["effective_at"]), "performer": [_performer(view)],
            "valueQuantity": {"value": view["value"], "unit": view["unit"], "system": codes.UCUM_SYSTEM,
                              "code": view["unit"]}}


def _risk_factor(view: dict[str, Any], patient: dict[str, str]) -> dict[str, Any]:
    kind = codes.RISK_FACTORS[view["kind"]]
    code: dict[str, Any] = {"text": kind.name}
    if kind.loinc:
        code["coding"] = [{"system": codes.LOINC_SYSTEM, "code": kind.loinc, "display": kind.name}]
    return {"resourceType": "Observation", "id": f"risk-{view['id']}",
            "status": "corrected" if view["corrected"] else "final",
            "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "social-history"}]}],
            "code": code, "subject": patient, "issued": view["recorded_at"].isoformat(),
            "performer": [_performer(view)], "valueString": view["value"]}


def _condition(view: dict[str, Any], patient: dict[str, str]) -> dict[str, Any]:
    coding = {"system": codes.ICD10_SYSTEM, "code": view["code"]}
    if view.get("name"):
        coding["display"] = view["name"]
    resource = {"resourceType": "Condition", "id": f"cond-{view['id']}",
                "clinicalStatus": {"coding": [{"system": CLINICAL_SYSTEM, "code": view["status"]}]},
                "code": {"coding": [coding]}, "subject": patient, "recordedDate": view["recorded_at"].isoformat(),
                "asserter": _performer(view)}
    if view["onset_date"]:
        resource["onsetDateTime"] = _when(view["onset_date"])
    return resource


def _allergy(view: dict[str, Any], patient: dict[str, str]) -> dict[str, Any]:
    resource = {"resourceType": "AllergyIntolerance", "id": f"allergy-{view['id']}",
                "clinicalStatus": {"coding": [{"system": ALLERGY_CLINICAL_SYSTEM, "code": "active"}]},
                "code": {"text": view["substance"]}, "patient": patient,
                "recordedDate": view["recorded_at"].isoformat(), "asserter": _performer(view)}
    if view["reaction"]:
        resource["reaction"] = [{"manifestation": [{"text": view["reaction"]}]}]
    return resource


def _immunization(view: dict[str, Any], patient: dict[str, str]) -> dict[str, Any]:
    return {"resourceType": "Immunization", "id": f"imm-{view['id']}", "status": "completed",
            "vaccineCode": {"text": view["vaccine"]}, "patient": patient,
            "occurrenceDateTime": _when(view["date"]), "performer": [{"actor": _performer(view)}],
            "protocolApplied": [{"doseNumberPositiveInt": view["dose_number"]}]}


def _encounter(view: dict[str, Any], patient: dict[str, str]) -> dict[str, Any]:
    period = {"start": _when(view["start"])}
    if view["end"]:
        period["end"] = _when(view["end"])
    reasons = [{"coding": [{"system": codes.ICD10_SYSTEM, "code": code}]} for code in view["diagnoses"]]
    if view["reason"]:
        reasons.insert(0, {"text": view["reason"]})
    resource = {"resourceType": "Encounter", "id": f"enc-{view['id']}", "status": "finished",
                "class": {"system": ENCOUNTER_CLASS_SYSTEM, "code": "AMB", "display": "ambulatory"},
                "subject": patient, "period": period, "serviceProvider": _performer(view)}
    if reasons:
        resource["reasonCode"] = reasons
    if view["summary"]:
        resource["extension"] = [{"url": SUMMARY_EXTENSION, "valueString": view["summary"]}]
    return resource


# Resource type of the record -> (model, order, FHIR builder).
EXPORTS = (
    ("observation", Observation, Observation.effective_at, _observation),
    ("risk_factor", RiskFactor, RiskFactor.id, _risk_factor),
    ("condition", Condition, Condition.id, _condition),
    ("allergy", Allergy, Allergy.id, _allergy),
    ("immunization", Immunization, Immunization.given_on, _immunization),
    ("encounter", Encounter, Encounter.start_at, _encounter),
)


def bundle(session: Session, subject: Subject) -> dict[str, Any]:
    patient_resource = _patient(subject)
    patient_url = _full_url("patient", subject.resident.id)
    reference = {"reference": patient_url, "display": subject.resident.full_name}
    entries = [{"fullUrl": patient_url, "resource": patient_resource}]
    if subject.record_id is not None:
        for resource_type, model, order, build in EXPORTS:
            rows = list(session.scalars(select(model).where(model.record_id == subject.record_id)
                                        .order_by(order, model.id)))
            for view in entry_views(session, BY_RESOURCE_TYPE[resource_type], rows):
                resource = build(view, reference)
                entries.append({"fullUrl": _full_url(resource_type, view["id"]), "resource": resource})
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "collection",
            "timestamp": clock.now().isoformat(), "meta": {"lastUpdated": clock.now().isoformat()},
            "entry": entries}
