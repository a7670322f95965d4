"""What a fault test runs against: private servers and the people and rows the traffic needs."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from services.demo.reference import DATA, seed_reference_data
from services.signatures.demo import load_catalogues
from tests.dossiers_support import BUSINESS, BUSINESS_FORM, key_headers, load_catalogue
from tests.faults_support import Gunicorn, PrivatePostgres, PrivateRedis
from tests.health_support import CLINIC, load_facilities
from tests.signatures_support import COUNTER, business_day, counter_officer
from tests.support import PeopleFactory, Person

CITIZENS = 60


@dataclass
class World:
    citizens: list[Person]
    officer: Person
    doctor: Person
    agency_key: dict[str, str]
    signature_requests: list[int]
    public_code: str            # a dossier anyone may look up with its owner's last 4 digits
    public_last4: str


@dataclass
class Stack:
    postgres: PrivatePostgres
    redis: PrivateRedis
    server: Gunicorn
    engine: Engine              # for checking the database afterwards
    world: World


def arrange(app, signature_requests: int) -> World:
    runtime = app.extensions["runtime"]
    session = runtime.sessions()
    try:
        seed_reference_data(session)
        load_catalogue(session)
        load_catalogues(session, DATA)
        load_facilities(session)
        session.commit()
        people = PeopleFactory(app, session)
        citizens = [people.citizen(district_code="005") for _ in range(max(CITIZENS, signature_requests))]
        officer = counter_officer(people)
        doctor = people.staff("health_provider", facility_code=CLINIC)
        agency_key = key_headers(session)
    finally:
        session.close()
    client = app.test_client()
    filed = client.post("/api/v1/dossiers", headers=citizens[0].headers,
                        json={"procedure_code": BUSINESS, "form": BUSINESS_FORM})
    assert filed.status_code == 201, filed.json
    requests = []
    for person in citizens[:signature_requests]:
        created = client.post("/api/v1/signature-requests", headers=person.headers, json={
            "provider_code": "VNPT-CA", "counter_code": COUNTER,
            "appointment_date": business_day().isoformat()})
        assert created.status_code == 201, created.json
        requests.append(created.json["id"])
    return World(citizens, officer, doctor, agency_key, requests, filed.json["code"],
                 citizens[0].national_id[-4:])


