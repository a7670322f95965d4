"""Demo data of the metrics dashboard: more residents, citizen accounts, a year of folded usage,
and (services/demo/adoption.py) their certificates, health records and dossiers.

Usage is written straight into usage_daily / usage_monthly_active (as a rollup would leave
them), deterministic, so seeding twice changes nothing. The extra accounts have no usable
password.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import Account, AccountStatus, Role
from models.metrics import UsageDaily, UsageMonthlyActive
from models.reference import Resident
from services.bulk import upsert
from services.demo import adoption
from services.demo.population import generate_residents, settle_in_hanoi
from services.identity.national_id import NationalIdHasher
from services.metrics.periods import years_before
from services.metrics.units import CITY_CODE
from services.metrics.usage import ANY_FEATURE, FEATURES
from services.reference.residents import load_residents
from services.signatures.authority import CertificateAuthority

DEMO_YEAR = 2024
RESIDENTS = 6_000
ACCOUNT_SHARE = 0.55
# Of a unit's account holders: active in a month (rising through the year), and per feature.
MONTHLY_ACTIVE = (0.30, 0.55)
FEATURE_SHARE = {"identity": 0.9, "notification": 0.6, "dossier": 0.25, "health": 0.2, "signature": 0.05}
NAMESPACE = uuid.UUID("6f1c9d1e-2024-4d00-8a00-000000000006")
EPOCH = "demo"


def _accounts(hasher: NationalIdHasher, residents: list[dict], rng: random.Random) -> list[dict]:
    adult_by = years_before(date(DEMO_YEAR, 12, 31), 14)
    first = datetime(DEMO_YEAR - 1, 1, 1, tzinfo=timezone.utc)
    rows = []
    for person in residents:
        if person["date_of_birth"] > adult_by or rng.random() > ACCOUNT_SHARE:
            continue
        rows.append({
            "id": uuid.uuid5(NAMESPACE, person["national_id"]), "national_id_hash": hasher(person["national_id"]),
            "national_id": person["national_id"], "full_name": person["full_name"],
            "date_of_birth": person["date_of_birth"], "sex": person["sex"],
            "district_code": person["district_code"], "phone": None, "password_hash": "!",
            "role": Role.CITIZEN, "assurance_level": 1 + (rng.random() < 0.3), "agency_code": None,
            "facility_code": None, "status": AccountStatus.ACTIVE, "locked_at": None,
            "created_at": first + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))})
    return rows


def _usage(holders: dict[str, int], rng: random.Random) -> tuple[list[dict], list[dict]]:
    daily, monthly = [], []
    for month in range(1, 13):
        start = date(DEMO_YEAR, month, 1)
        share = MONTHLY_ACTIVE[0] + (MONTHLY_ACTIVE[1] - MONTHLY_ACTIVE[0]) * (month - 1) / 11
        city = dict.fromkeys((*FEATURES, ANY_FEATURE), 0)
        for unit, count in holders.items():
            active = round(count * share * rng.uniform(0.9, 1.1))
            per_feature = {f: round(active * s) for f, s in FEATURE_SHARE.items()} | {ANY_FEATURE: active}
            for feature, users in per_feature.items():
                monthly.append({"month": start, "unit_code": unit, "feature": feature,
                                "active_users": users, "redis_epoch": EPOCH, "active_users_base": 0})
                city[feature] += users
            day = start
            while day.month == month:
                for feature in FEATURES:
                    users = rng.randint(0, max(1, per_feature[feature] // 6))
                    daily.append({"day": day, "unit_code": unit, "feature": feature,
                                  "requests": users * rng.randint(2, 5), "active_users": users,
                                  "redis_epoch": EPOCH, "requests_base": 0, "active_users_base": 0})
                day += timedelta(days=1)
        monthly += [{"month": start, "unit_code": CITY_CODE, "feature": feature, "active_users": users,
                     "redis_epoch": EPOCH, "active_users_base": 0} for feature, users in city.items()]
    return daily, monthly


def _resident_ids(session: Session, national_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(national_ids), 5_000):
        found.update(session.execute(select(Resident.national_id, Resident.id).where(
            Resident.national_id.in_(national_ids[start:start + 5_000]))).all())
    return found


def seed_usage(session: Session, hasher: NationalIdHasher, district_codes: list[str],
               authority: CertificateAuthority | None = None) -> None:
    """The synthetic population, its usage, and what the other indicators count for it
    (certificates only when a CA is given)."""
    rng = random.Random(DEMO_YEAR)
    residents = list(settle_in_hanoi(generate_residents(RESIDENTS, sorted(district_codes), seed=2406,
                                                        first_tail=200_000), seed=2407))
    load_residents(session, residents)
    accounts = _accounts(hasher, residents, rng)
    upsert(session, Account.__table__, accounts, key=["national_id_hash"], compare=["district_code"])
    holders: dict[str, int] = {}
    for account in accounts:
        holders[account["district_code"]] = holders.get(account["district_code"], 0) + 1
    daily, monthly = _usage(holders, rng)
    for start in range(0, len(daily), 5_000):
        upsert(session, UsageDaily.__table__, daily[start:start + 5_000], key=["day", "unit_code", "feature"])
    upsert(session, UsageMonthlyActive.__table__, monthly, key=["month", "unit_code", "feature"])

    ids = _resident_ids(session, [r["national_id"] for r in residents])
    account_of = {a["national_id"]: a["id"] for a in accounts}
    if authority is not None:
        adoption.seed_certificates(session, authority, accounts, random.Random(2411))
    adoption.seed_health_records(session, [ids[r["national_id"]] for r in residents], random.Random(2412))
    owners = [adoption.Owner(ids[r["national_id"]], account_of.get(r["national_id"]), r["district_code"])
              for r in residents if r["date_of_birth"] <= years_before(date(DEMO_YEAR - 1, 10, 1), 18)]
    adoption.seed_dossiers(session, owners, random.Random(2413))
