"""Numerator and denominator counts per unit, one query each, and the formula table.

Each count function takes (session, period, today) and returns {unit_code: count}; a
count that cannot be summed over units (distinct users) also gives the city under
CITY_CODE. Stocks (accounts, certificates, records, residents) are counted at the period's
end, flows (dossiers) within the period.

The registry holds each resident's current unit only: "residents of a unit at the period's
end" is read as "residents born by then whom the registry places there today".

Tables of other capabilities (certificates, health_records, procedures, dossiers) are
read through the contract below rather than their models; a formula whose tables do not
exist in the database is skipped by the engine (services/metrics/indicators.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Boolean, Integer, String, and_, column, func, or_, select, table, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from models.identity import Account
from models.metrics import UsageMonthlyActive
from models.reference import Resident
from models.types import UTCDateTime
from services.metrics.periods import Period, years_before
from services.metrics.usage import ANY_FEATURE

ADULT_AGE = 14

# The contract of the tables the signature, health and dossier capabilities own.
certificates = table("certificates", column("account_id"), column("valid_from", UTCDateTime()),
                     column("valid_to", UTCDateTime()), column("revoked_at", UTCDateTime()))
health_records = table("health_records", column("resident_id", Integer()),
                       column("created_at", UTCDateTime()))
procedures = table("procedures", column("code", String()), column("online_level", String()))
dossiers = table("dossiers", column("procedure_code", String()), column("district_code", String()),
                 column("channel", String()), column("received_at", UTCDateTime()),
                 column("finished_at", UTCDateTime()), column("original_due_at", UTCDateTime()),
                 column("on_time", Boolean()))

Counts = dict[str, int]
CountFn = Callable[[Session, Period, date], Counts]


def _by_unit(session: Session, stmt: Select) -> Counts:
    return {unit: count for unit, count in session.execute(stmt) if unit is not None}


def _adult_born_by(period: Period) -> date:
    return years_before(period.last_day, ADULT_AGE)


def residents(session: Session, period: Period, _today: date) -> Counts:
    return _by_unit(session, select(Resident.district_code, func.count())
                    .where(Resident.date_of_birth <= period.last_day).group_by(Resident.district_code))


def adult_residents(session: Session, period: Period, _today: date) -> Counts:
    return _by_unit(session, select(Resident.district_code, func.count())
                    .where(Resident.date_of_birth <= _adult_born_by(period))
                    .group_by(Resident.district_code))


def _adult_citizen_accounts(period: Period):
    end = period.ends_at
    return and_(Account.role == "citizen", Account.created_at < end,
                Account.date_of_birth <= _adult_born_by(period),
                or_(Account.locked_at.is_(None), Account.locked_at >= end))


def eid_accounts(session: Session, period: Period, _today: date) -> Counts:
    return _by_unit(session, select(Account.district_code, func.count())
                    .where(_adult_citizen_accounts(period)).group_by(Account.district_code))


def signature_holders(session: Session, period: Period, _today: date) -> Counts:
    end, c = period.ends_at, certificates.c
    return _by_unit(session, select(Account.district_code, func.count(func.distinct(Account.id)))
                    .join(certificates, c.account_id == Account.id)
                    .where(_adult_citizen_accounts(period), c.valid_from <= end, c.valid_to > end,
                           or_(c.revoked_at.is_(None), c.revoked_at > end))
                    .group_by(Account.district_code))


def residents_with_record(session: Session, period: Period, _today: date) -> Counts:
    h = health_records.c
    return _by_unit(session, select(Resident.district_code, func.count())
                    .join(health_records, h.resident_id == Resident.id)
                    .where(h.created_at < period.ends_at, Resident.date_of_birth <= period.last_day)
                    .group_by(Resident.district_code))


def _dossier_count(*conditions, with_procedure: bool = False) -> Callable[[Session, Period, date], Counts]:
    def count(session: Session, period: Period, _today: date) -> Counts:
        source = dossiers.join(procedures, procedures.c.code == dossiers.c.procedure_code) \
            if with_procedure else dossiers
        stmt = select(dossiers.c.district_code, func.count()).select_from(source)
        return _by_unit(session, stmt.where(*[cond(period) for cond in conditions])
                        .group_by(dossiers.c.district_code))

    return count


def _received_in(period: Period):
    return and_(dossiers.c.received_at >= period.starts_at, dossiers.c.received_at < period.ends_at)


def _finished_in(period: Period):
    return and_(dossiers.c.finished_at >= period.starts_at, dossiers.c.finished_at < period.ends_at)


def _online(_period: Period):
    return dossiers.c.channel == "online"


def _full_online_procedure(_period: Period):
    return procedures.c.online_level == "full"


def _on_time(_period: Period):
    d = dossiers.c
    return or_(d.on_time == true(), and_(d.on_time.is_(None), d.finished_at <= d.original_due_at))


dossiers_received = _dossier_count(_received_in)
online_dossiers = _dossier_count(_received_in, _online)
full_online_dossiers = _dossier_count(_received_in, _online, _full_online_procedure, with_procedure=True)
dossiers_finished = _dossier_count(_finished_in)
dossiers_on_time = _dossier_count(_finished_in, _on_time)


def monthly_active(session: Session, period: Period, today: date) -> Counts:
    """Distinct active citizens of the period's last month; the city row is their union."""
    return _by_unit(session, select(UsageMonthlyActive.unit_code, UsageMonthlyActive.active_users)
                    .where(UsageMonthlyActive.month == period.last_month(today),
                           UsageMonthlyActive.feature == ANY_FEATURE))


@dataclass(frozen=True)
class Formula:
    numerator: CountFn
    denominator: CountFn
    tables: tuple[str, ...]


# Indicator code -> how it is counted, and the tables it needs.
FORMULAS: dict[str, Formula] = {
    "eid_verified_share": Formula(eid_accounts, adult_residents, ("accounts", "residents")),
    "signature_holder_share": Formula(signature_holders, adult_residents,
                                      ("accounts", "residents", "certificates")),
    "ehr_share": Formula(residents_with_record, residents, ("residents", "health_records")),
    "online_dossier_share": Formula(online_dossiers, dossiers_received, ("dossiers",)),
    "full_online_dossier_share": Formula(full_online_dossiers, dossiers_received,
                                         ("dossiers", "procedures")),
    "on_time_share": Formula(dossiers_on_time, dossiers_finished, ("dossiers",)),
    "mau_share": Formula(monthly_active, adult_residents, ("usage_monthly_active", "residents")),
}
