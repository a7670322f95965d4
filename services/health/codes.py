"""The code tables of the health record: LOINC codes with their UCUM units and plausible
ranges, ICD-10 shape, condition statuses, risk factors, correctable fields.

Each rule is written here once; validation, the FHIR export and the summary read them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from models.health import ConditionStatus

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"


@dataclass(frozen=True)
class ObservationCode:
    name: str
    category: str  # FHIR observation category: vital-signs | laboratory
    units: dict[str, tuple[float, float]]  # UCUM unit -> plausible (low, high), inclusive


# LOINC code -> what it measures, its allowed UCUM units and the plausible range in each.
OBSERVATION_CODES: dict[str, ObservationCode] = {
    "8302-2": ObservationCode("Body height", "vital-signs", {"cm": (20, 260)}),
    "29463-7": ObservationCode("Body weight", "vital-signs", {"kg": (0.3, 400)}),
    "39156-5": ObservationCode("Body mass index", "vital-signs", {"kg/m2": (7, 150)}),
    "8480-6": ObservationCode("Systolic blood pressure", "vital-signs", {"mm[Hg]": (40, 300)}),
    "8462-4": ObservationCode("Diastolic blood pressure", "vital-signs", {"mm[Hg]": (20, 200)}),
    "8867-4": ObservationCode("Heart rate", "vital-signs", {"/min": (20, 300)}),
    "9279-1": ObservationCode("Respiratory rate", "vital-signs", {"/min": (4, 80)}),
    "8310-5": ObservationCode("Body temperature", "vital-signs", {"Cel": (25, 45)}),
    "2708-6": ObservationCode("Oxygen saturation", "vital-signs", {"%": (50, 100)}),
    "8280-0": ObservationCode("Waist circumference", "vital-signs", {"cm": (30, 250)}),
    "1558-6": ObservationCode("Fasting glucose", "laboratory", {"mg/dL": (20, 1000), "mmol/L": (1.1, 55)}),
    "4548-4": ObservationCode("Hemoglobin A1c", "laboratory", {"%": (3, 20)}),
    "2093-3": ObservationCode("Total cholesterol", "laboratory", {"mg/dL": (50, 1000), "mmol/L": (1.3, 26)}),
    "2085-9": ObservationCode("HDL cholesterol", "laboratory", {"mg/dL": (5, 200), "mmol/L": (0.13, 5.2)}),
    "13457-7": ObservationCode("LDL cholesterol", "laboratory", {"mg/dL": (10, 600), "mmol/L": (0.26, 15.5)}),
    "2160-0": ObservationCode("Creatinine", "laboratory", {"mg/dL": (0.1, 20), "umol/L": (9, 1800)}),
}

HEIGHT, WEIGHT, BMI = "8302-2", "29463-7", "39156-5"
SYSTOLIC, DIASTOLIC = "8480-6", "8462-4"
# Codes only the server writes (BMI is computed from height and weight).
DERIVED_CODES = frozenset({BMI})

# WHO ICD-10: a letter, two digits, optionally a dot and one or two more characters.
ICD10_SHAPE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
ICD10_NAMES = {"I10": "Essential (primary) hypertension", "E11": "Type 2 diabetes mellitus",
               "E78": "Disorders of lipoprotein metabolism", "J45": "Asthma",
               "N18": "Chronic kidney disease", "Z00.0": "General medical examination",
               "Z23": "Need for immunization"}

# FHIR clinical status of a condition; those in ACTIVE_STATUSES show in the summary.
CONDITION_STATUSES = tuple(status.value for status in ConditionStatus)
ACTIVE_STATUSES = (ConditionStatus.ACTIVE, ConditionStatus.RECURRENCE, ConditionStatus.RELAPSE)


@dataclass(frozen=True)
class RiskFactorKind:
    name: str
    values: tuple[str, ...] | None  # None: free text
    loinc: str | None  # LOINC code used in the FHIR export, when one fits


RISK_FACTORS: dict[str, RiskFactorKind] = {
    "smoking": RiskFactorKind("Tobacco smoking status", ("never", "former", "current"), "72166-2"),
    "alcohol": RiskFactorKind("Alcohol use", ("none", "occasional", "regular", "heavy"), "11331-6"),
    "physical_inactivity": RiskFactorKind("Physical inactivity", ("yes", "no"), None),
    "family_history": RiskFactorKind("Family history", None, "10157-6"),
    "drugs": RiskFactorKind("Drug use", ("never", "former", "current"), None),
    "occupational_exposure": RiskFactorKind("Occupational exposure", None, None),
}

# Entry kinds a citizen may ask to correct, and the fields a facility may correct in each.
CORRECTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "observation": ("value", "unit"),
    "condition": ("code", "onset_date", "status"),
    "allergy": ("substance", "reaction"),
    "risk_factor": ("value",),
    "immunization": ("vaccine", "date", "dose_number"),
    "encounter": ("reason", "diagnoses", "summary"),
}
