"""Arranging metrics tests: many residents and accounts at once, usage rows, contract tables."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import insert, inspect, text
from sqlalchemy.orm import Session

from models.identity import Account
from models.metrics import UsageMonthlyActive
from models.reference import Resident
from services.demo.population import national_id_for
from services.reference.residents import load_residents

_tails = itertools.count(700_000)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@dataclass
class Seeded:
    """One seeded person: the registry entry and, maybe, an account."""

    national_id: str
    district_code: str
    born: date
    resident_id: int | None = None
    account_id: uuid.UUID | None = None
    account_district: str | None = None
    created_at: datetime | None = None
    locked_at: datetime | None = None
    role: str = "citizen"


def seed_people(session: Session, specs: list[dict]) -> list[Seeded]:
    """Residents (and accounts where a spec has `created_at`) in two bulk statements.

    A spec: district_code, born, and optionally created_at, locked_at, account_district, role.
    """
    people = [Seeded(national_id_for(spec["born"], "female", next(_tails)), spec["district_code"],
                     spec["born"], created_at=spec.get("created_at"), locked_at=spec.get("locked_at"),
                     account_district=spec.get("account_district", spec["district_code"]),
                     role=spec.get("role", "citizen")) for spec in specs]
    load_residents(session, [{"national_id": p.national_id, "full_name": "Nguyễn Thị Mai",
                              "date_of_birth": p.born, "sex": "female", "district_code": p.district_code,
                              "guardian_national_id": None} for p in people])
    ids = dict(session.execute(text("SELECT national_id, id FROM residents")).all())
    accounts = []
    for person in people:
        person.resident_id = ids[person.national_id]
        if person.created_at is not None:
            person.account_id = uuid.uuid4()
            accounts.append({
                "id": person.account_id, "national_id_hash": uuid.uuid4().hex,
                "national_id": person.national_id, "full_name": "Nguyễn Thị Mai",
                "date_of_birth": person.born, "sex": "female", "district_code": person.account_district,
                "password_hash": "!", "role": person.role, "assurance_level": 1,
                "status": "locked" if person.locked_at else "active",
                "created_at": person.created_at, "locked_at": person.locked_at})
    if accounts:
        session.execute(insert(Account), accounts)
    session.flush()
    return people


def monthly_active(session: Session, month: date, counts: dict[str, int]) -> None:
    session.add_all(UsageMonthlyActive(month=month, unit_code=unit, feature="any", active_users=count,
                                       redis_epoch="test", active_users_base=0)
                    for unit, count in counts.items())
    session.flush()


# The tables of other capabilities, reduced to the columns of the metrics contract.
CONTRACT_DDL = [
    "CREATE TABLE certificates (id {pk}, account_id {uuid} NOT NULL, serial VARCHAR(40), "
    "valid_from TIMESTAMP{tz} NOT NULL, valid_to TIMESTAMP{tz} NOT NULL, revoked_at TIMESTAMP{tz})",
    "CREATE TABLE health_records (id {pk}, resident_id INTEGER NOT NULL UNIQUE, "
    "created_at TIMESTAMP{tz} NOT NULL)",
    "CREATE TABLE procedures (code VARCHAR(40) PRIMARY KEY, agency_code VARCHAR(40), "
    "online_level VARCHAR(10) NOT NULL, processing_days INTEGER)",
    "CREATE TABLE dossiers (code VARCHAR(40) PRIMARY KEY, procedure_code VARCHAR(40) NOT NULL, "
    "owner_account_id {uuid}, owner_resident_id INTEGER, district_code VARCHAR(10), "
    "channel VARCHAR(10) NOT NULL, status VARCHAR(30), submitted_at TIMESTAMP{tz}, "
    "received_at TIMESTAMP{tz}, due_at TIMESTAMP{tz}, original_due_at TIMESTAMP{tz}, "
    "finished_at TIMESTAMP{tz}, on_time BOOLEAN)",
]
CONTRACT_TABLES = ("certificates", "health_records", "procedures", "dossiers")


def create_contract_tables(session: Session) -> bool:
    """Create the contract tables inside the test's transaction; False if real ones exist."""
    if set(CONTRACT_TABLES) & set(inspect(session.connection()).get_table_names()):
        return False
    postgres = session.get_bind().dialect.name == "postgresql"
    for ddl in CONTRACT_DDL:
        session.execute(text(ddl.format(uuid="UUID" if postgres else "CHAR(32)",
                                        pk="BIGSERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY",
                                        tz=" WITH TIME ZONE" if postgres else "")))
    return True


def as_db_time(session: Session, moment: datetime | None):
    """A UTC instant as the contract tables store it (naive text on SQLite, like UTCDateTime)."""
    if moment is None or session.get_bind().dialect.name == "postgresql":
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def as_db_uuid(session: Session, value: uuid.UUID):
    return value if session.get_bind().dialect.name == "postgresql" else value.hex
