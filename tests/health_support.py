"""Arranging health-record tests: the facility catalogue, providers, batches written over HTTP."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from models.reference import Resident

from services.demo.reference import seed_facilities as load_facilities

CLINIC, HOSPITAL = "TTYT-CAUGIAY", "BV-BACHMAI"
RECORDS = "/api/v1/providers/patients/{}/records"


@pytest.fixture
def facilities(db_session):
    load_facilities(db_session)
    db_session.commit()


@pytest.fixture
def clinic_doctor(people, facilities):
    return people.staff("health_provider", facility_code=CLINIC)


@pytest.fixture
def hospital_doctor(people, facilities):
    return people.staff("health_provider", facility_code=HOSPITAL)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def days_ago(days: float) -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=days)


def obs(source_id: str, code: str, value: float, unit: str, at: datetime) -> dict[str, Any]:
    return {"code": code, "value": value, "unit": unit, "effective_at": iso(at), "source_id": source_id}


def check_up(prefix: str, at: datetime, *, systolic: float = 130, diastolic: float = 85, weight: float = 70,
             height: float = 175) -> dict[str, Any]:
    """A visit's batch: height, weight, blood pressure, a diagnosis, a vaccine and the visit."""
    return {
        "observations": [obs(f"{prefix}-h", "8302-2", height, "cm", at), obs(f"{prefix}-w", "29463-7", weight, "kg", at),
                         obs(f"{prefix}-s", "8480-6", systolic, "mm[Hg]", at),
                         obs(f"{prefix}-d", "8462-4", diastolic, "mm[Hg]", at)],
        "conditions": [{"code": "I10", "onset_date": "2020-01-01", "status": "active", "source_id": f"{prefix}-c"}],
        "allergies": [{"substance": "penicillin", "reaction": "rash", "source_id": f"{prefix}-a"}],
        "risk_factors": [{"kind": "smoking", "value": "former", "source_id": f"{prefix}-r"}],
        "immunizations": [{"vaccine": "Hepatitis B", "date": at.date().isoformat(), "dose_number": 1,
                           "source_id": f"{prefix}-i"}],
        "encounters": [{"start": iso(at), "end": iso(at + timedelta(minutes=30)), "reason": "annual check-up",
                        "diagnoses": ["Z00.0", "I10"], "summary": "All well.", "source_id": f"{prefix}-e"}],
    }


def born_on(client, national_id: str) -> dict[str, str]:
    """The X-Subject-Birth-Date header of a resident, as a provider reads it off the ID card."""
    with client.application.extensions["runtime"].sessions() as session:
        born = session.scalar(select(Resident.date_of_birth).where(Resident.national_id == national_id))
    return {"X-Subject-Birth-Date": born.isoformat()} if born else {}


def write(client, doctor, national_id: str, batch: dict[str, Any], **headers: str):
    return client.post(RECORDS.format(national_id), json=batch,
                       headers={**doctor.headers, **born_on(client, national_id), **headers})


def written(client, doctor, national_id: str, batch: dict[str, Any]) -> dict[str, Any]:
    answer = write(client, doctor, national_id, batch)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def born_years_ago(years: int) -> date:
    return date(date.today().year - years, 1, 1)
