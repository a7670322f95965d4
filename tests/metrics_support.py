"""Arranging metrics tests: a population with accounts (residents and accounts in bulk), usage rows."""
from __future__ import annotations

import itertools
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.identity import Account
from models.metrics import UsageMonthlyActive
from models.reference import Resident
from services.demo.population import national_id_for
from services.reference.residents import load_residents

_tails = itertools.count(700_000)


DISTRICTS = ("001", "002", "003")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


END_2024 = utc(2024, 12, 31, 17)  # 2025-01-01 00:00 in Hanoi
END_Q3 = utc(2024, 9, 30, 17)
START_2024 = utc(2023, 12, 31, 17)
TODAY = date(2026, 1, 15)
CREATED = [utc(2023, 6, 1), utc(2024, 5, 1), END_Q3 - timedelta(seconds=1), END_Q3,
           END_2024 - timedelta(seconds=1), END_2024, utc(2025, 3, 1)]


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
    ids = dict(session.execute(select(Resident.national_id, Resident.id).where(
        Resident.national_id.in_([p.national_id for p in people]))).all())
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


def open_accounts(session: Session, national_ids: list[str], district_code: str, created_at: datetime) -> None:
    """Citizen accounts of registry residents, each with `district_code` copied onto it when opened."""
    people = session.execute(select(Resident.national_id, Resident.full_name, Resident.date_of_birth, Resident.sex)
                             .where(Resident.national_id.in_(national_ids))).all()
    session.execute(insert(Account), [
        {"id": uuid.uuid4(), "national_id_hash": uuid.uuid4().hex, "national_id": national_id, "full_name": name,
         "date_of_birth": born, "sex": sex, "district_code": district_code, "password_hash": "!",
         "role": "citizen", "assurance_level": 1, "status": "active", "created_at": created_at}
        for national_id, name, born, sex in people])
    session.flush()


def monthly_active(session: Session, month: date, counts: dict[str, int]) -> None:
    session.add_all(UsageMonthlyActive(month=month, unit_code=unit, feature="any", active_users=count,
                                       redis_epoch="test", active_users_base=0)
                    for unit, count in counts.items())
    session.flush()


def population(rng: random.Random) -> list[dict]:
    """45 people per district of DISTRICTS (70 % with an account, some locked or opened in another
    district than the registry's) and,
    per district, one person turning 14 on the year's last day and one a day later."""
    specs = []
    for district in DISTRICTS:
        for _ in range(45):
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 66))
            spec = {"district_code": district, "born": born}
            if rng.random() < 0.7:
                spec["created_at"] = rng.choice(CREATED)
                if rng.random() < 0.15:
                    spec["locked_at"] = rng.choice([utc(2024, 3, 1), END_2024, utc(2025, 6, 1)])
                if rng.random() < 0.1:
                    # opened elsewhere: still counted where the registry places the person
                    spec["account_district"] = rng.choice(DISTRICTS)
            specs.append(spec)
        # Turning 14 on the last day of the year counts; a day later does not.
        specs.append({"district_code": district, "born": date(2010, 12, 31), "created_at": utc(2024, 1, 2)})
        specs.append({"district_code": district, "born": date(2011, 1, 1), "created_at": utc(2024, 1, 2)})
    return specs


def adult(born: date, last_day: date) -> bool:
    return (last_day.year - born.year - ((last_day.month, last_day.day) < (born.month, born.day))) >= 14


def counted_account(person: Seeded, last_day: date, end: datetime) -> bool:
    """An adult citizen account open at the period's last instant (what eid_verified_share counts)."""
    return (person.created_at is not None and person.role == "citizen" and person.created_at < end
            and adult(person.born, last_day) and (person.locked_at is None or person.locked_at >= end))


def expected_eid(people: list[Seeded], last_day: date, end: datetime) -> tuple[Counter, Counter]:
    numerators = Counter(p.district_code for p in people if counted_account(p, last_day, end))
    denominators = Counter(p.district_code for p in people if adult(p.born, last_day))
    return numerators, denominators


def cells(values, code: str) -> dict:
    return {v.unit_code: v for v in values if v.code == code}
