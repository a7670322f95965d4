"""Demo health data: the facility catalogue, a doctor at the Cầu Giấy health centre, and
records for the demo citizen and her child (several visits, so lists and trends have data).
Written through the same path as the NDJSON import, with fixed source ids: seeding twice
adds nothing twice."""
from __future__ import annotations

from datetime import date
from typing import Any


from models.identity import Role
from services.context import Context
from services.identity.passwords import Passwords
from services.demo.people import CHILD, CITIZEN, DemoPerson, seed_people
from services.demo.reference import seed_facilities
from services.health.bulk_import import HealthImport
from services.messages import DEFAULT_LANGUAGE, translate

DOCTOR = DemoPerson("001082004444", "Lê Văn Đức", date(1982, 4, 12), "male", "005", password="Doctor@2024",
                    role=Role.HEALTH_PROVIDER, facility_code="TTYT-CAUGIAY")


def _obs(source: str, code: str, value: float, unit: str, at: str) -> dict[str, Any]:
    return {"code": code, "value": value, "unit": unit, "effective_at": at, "source_id": source}


def _visit(prefix: str, at: str, height: float, weight: float, systolic: float | None = None,
           diastolic: float | None = None, pulse: float | None = None) -> list[dict[str, Any]]:
    found = [_obs(f"{prefix}-h", "8302-2", height, "cm", at), _obs(f"{prefix}-w", "29463-7", weight, "kg", at)]
    if systolic:
        found += [_obs(f"{prefix}-sbp", "8480-6", systolic, "mm[Hg]", at),
                  _obs(f"{prefix}-dbp", "8462-4", diastolic, "mm[Hg]", at)]
    if pulse:
        found.append(_obs(f"{prefix}-hr", "8867-4", pulse, "/min", at))
    return found


def _citizen_batch() -> dict[str, Any]:
    return {
        "national_id": CITIZEN.national_id, "facility_code": "TTYT-CAUGIAY",
        "observations": [
            *_visit("demo-hoa-2023", "2023-03-10T08:30:00+07:00", 158, 61.5, 138, 88, 78),
            *_visit("demo-hoa-2024", "2024-03-12T09:00:00+07:00", 158, 63.0, 142, 92, 80),
            *_visit("demo-hoa-2025", "2025-03-14T08:15:00+07:00", 158, 62.2, 134, 84, 74),
            _obs("demo-hoa-2025-temp", "8310-5", 36.7, "Cel", "2025-03-14T08:15:00+07:00"),
            _obs("demo-hoa-2025-spo2", "2708-6", 98, "%", "2025-03-14T08:15:00+07:00"),
            _obs("demo-hoa-2025-waist", "8280-0", 82, "cm", "2025-03-14T08:15:00+07:00"),
            _obs("demo-hoa-2024-glu", "1558-6", 5.9, "mmol/L", "2024-03-12T09:30:00+07:00"),
            _obs("demo-hoa-2025-glu", "1558-6", 5.7, "mmol/L", "2025-03-14T08:45:00+07:00"),
            _obs("demo-hoa-2025-a1c", "4548-4", 5.8, "%", "2025-03-14T08:45:00+07:00"),
            _obs("demo-hoa-2025-chol", "2093-3", 5.6, "mmol/L", "2025-03-14T08:45:00+07:00"),
            _obs("demo-hoa-2025-hdl", "2085-9", 1.3, "mmol/L", "2025-03-14T08:45:00+07:00"),
            _obs("demo-hoa-2025-ldl", "13457-7", 3.4, "mmol/L", "2025-03-14T08:45:00+07:00"),
            _obs("demo-hoa-2025-crea", "2160-0", 68, "umol/L", "2025-03-14T08:45:00+07:00"),
        ],
        "conditions": [{"code": "I10", "onset_date": "2022-05-10", "status": "active", "source_id": "demo-hoa-c1"},
                       {"code": "E78", "onset_date": "2024-03-12", "status": "active", "source_id": "demo-hoa-c2"}],
        "allergies": [{"substance": "penicillin", "reaction": "rash", "source_id": "demo-hoa-a1"}],
        "risk_factors": [{"kind": "smoking", "value": "never", "source_id": "demo-hoa-r1"},
                         {"kind": "alcohol", "value": "occasional", "source_id": "demo-hoa-r2"},
                         {"kind": "physical_inactivity", "value": "yes", "source_id": "demo-hoa-r3"},
                         {"kind": "family_history", "value": "type 2 diabetes (mother)", "source_id": "demo-hoa-r4"}],
        "immunizations": [
            {"vaccine": "COVID-19 (Comirnaty)", "date": "2021-08-20", "dose_number": 1, "source_id": "demo-hoa-i1"},
            {"vaccine": "COVID-19 (Comirnaty)", "date": "2021-09-17", "dose_number": 2, "source_id": "demo-hoa-i2"},
            {"vaccine": "Hepatitis B", "date": "2023-03-10", "dose_number": 1, "source_id": "demo-hoa-i3"},
            {"vaccine": "Influenza", "date": "2024-10-05", "dose_number": 1, "source_id": "demo-hoa-i4"}],
        "encounters": [
            {"start": "2023-03-10T08:30:00+07:00", "end": "2023-03-10T09:10:00+07:00", "reason": "annual check-up",
             "diagnoses": ["Z00.0", "I10"], "summary": "Blood pressure above target; continue amlodipine 5 mg.",
             "source_id": "demo-hoa-e1"},
            {"start": "2024-03-12T09:00:00+07:00", "end": "2024-03-12T10:00:00+07:00", "reason": "annual check-up",
             "diagnoses": ["Z00.0", "I10", "E78"], "summary": "Raised LDL; diet advice, recheck in 12 months.",
             "source_id": "demo-hoa-e2"},
            {"start": "2025-03-14T08:15:00+07:00", "end": "2025-03-14T09:00:00+07:00", "reason": "annual check-up",
             "diagnoses": ["Z00.0", "I10"], "summary": "Blood pressure controlled; keep treatment.",
             "source_id": "demo-hoa-e3"}],
    }


def _child_batch() -> dict[str, Any]:
    return {
        "national_id": CHILD.national_id, "facility_code": "BV-NHIHN",
        "observations": [*_visit("demo-khoi-2023", "2023-06-05T10:00:00+07:00", 128, 26.0, pulse=92),
                         *_visit("demo-khoi-2024", "2024-06-04T10:00:00+07:00", 134, 29.5, pulse=88),
                         *_visit("demo-khoi-2025", "2025-06-03T10:00:00+07:00", 140, 33.0, pulse=86),
                         _obs("demo-khoi-2025-temp", "8310-5", 37.1, "Cel", "2025-06-03T10:00:00+07:00")],
        "conditions": [{"code": "J45", "onset_date": "2021-09-01", "status": "active", "source_id": "demo-khoi-c1"}],
        "allergies": [{"substance": "house dust mite", "reaction": "wheezing", "source_id": "demo-khoi-a1"}],
        "immunizations": [
            {"vaccine": "Measles-Rubella (MR)", "date": "2016-12-01", "dose_number": 1, "source_id": "demo-khoi-i1"},
            {"vaccine": "DTP booster", "date": "2017-06-15", "dose_number": 4, "source_id": "demo-khoi-i2"},
            {"vaccine": "Japanese encephalitis", "date": "2018-06-10", "dose_number": 3, "source_id": "demo-khoi-i3"}],
        "encounters": [{"start": "2025-06-03T10:00:00+07:00", "end": "2025-06-03T10:30:00+07:00",
                        "reason": "school health check", "diagnoses": ["Z00.0", "J45"],
                        "summary": "Asthma well controlled; keep inhaler for attacks.", "source_id": "demo-khoi-e1"}],
    }


def seed_health(ctx: Context, passwords: Passwords) -> None:
    session = ctx.session
    seed_facilities(session)
    seed_people(ctx, passwords, [DOCTOR])
    report = HealthImport(session).run(enumerate([_citizen_batch(), _child_batch()], start=1))
    if report.errors:
        raise ValueError(f"demo health data: {translate(DEFAULT_LANGUAGE, report.errors[0].reason)}")
