"""Numerator and denominator counts per unit, one query each, and the formula table.

Each count function takes (session, period, today) and returns {unit_code: count}; a
count that cannot be summed over units (distinct users) also gives the city under
CITY_CODE. Stocks (accounts, certificates, records, residents) are counted as they stand
at the period's last instant (created before its end, not yet ended by then); flows
(dossiers) within the period.

The registry holds each resident's current unit only: "residents of a unit at the period's
end" is read as "residents born by then whom the registry places there today". A dossier
belongs to its owner's unit as copied onto it when it was filed (`dossiers.district_code`).

What the other capabilities store, and so what is counted (see their services):
- certificates (services/signatures/certificates.py): valid_from/valid_to are the X.509
  validity; a revocation (by the holder, an officer, or a renewal superseding the old
  certificate) sets revoked_at. Validity is never stored as a status.
- health_records (services/health/records.py): one row per resident, created when a
  facility first writes to the record; never deleted.
- dossiers (services/dossiers/): received_at is set on receipt (at once for a counter or
  post dossier, when the agency receives it for an online one; never for one withdrawn
  before receipt); finished_at and on_time are set together when the dossier is decided
  (approved or rejected), on_time against the statutory due date (original_due_at), which
  extensions do not move. A withdrawn dossier is not finished.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from models.dossiers import Dossier, Procedure
from models.health import HealthRecord
from models.identity import Account
from models.metrics import UsageMonthlyActive
from models.reference import Resident
from models.signatures import Certificate
from services.metrics.periods import Period, years_before
from services.metrics.usage import ANY_FEATURE

ADULT_AGE = 14

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


def _certificate_in_force(period: Period):
    """A certificate of the account in force at the period's last instant."""
    end = period.ends_at
    return exists().where(Certificate.account_id == Account.id, Certificate.valid_from < end,
                          Certificate.valid_to >= end,
                          or_(Certificate.revoked_at.is_(None), Certificate.revoked_at >= end))


def signature_holders(session: Session, period: Period, _today: date) -> Counts:
    """Adult citizen accounts holding a certificate; a renewed one counts its holder once."""
    return _by_unit(session, select(Account.district_code, func.count())
                    .where(_adult_citizen_accounts(period), _certificate_in_force(period))
                    .group_by(Account.district_code))


def residents_with_record(session: Session, period: Period, _today: date) -> Counts:
    return _by_unit(session, select(Resident.district_code, func.count())
                    .join(HealthRecord, HealthRecord.resident_id == Resident.id)
                    .where(HealthRecord.created_at < period.ends_at, Resident.date_of_birth <= period.last_day)
                    .group_by(Resident.district_code))


def _dossier_count(*conditions: Callable[[Period], object],
                   with_procedure: bool = False) -> Callable[[Session, Period, date], Counts]:
    def count(session: Session, period: Period, _today: date) -> Counts:
        stmt = select(Dossier.district_code, func.count()).select_from(Dossier)
        if with_procedure:
            stmt = stmt.join(Procedure, Procedure.code == Dossier.procedure_code)
        return _by_unit(session, stmt.where(*[cond(period) for cond in conditions])
                        .group_by(Dossier.district_code))

    return count


def _received_in(period: Period):
    return and_(Dossier.received_at >= period.starts_at, Dossier.received_at < period.ends_at)


def _finished_in(period: Period):
    return and_(Dossier.finished_at >= period.starts_at, Dossier.finished_at < period.ends_at)


def _online(_period: Period):
    return Dossier.channel == "online"


def _full_online_procedure(_period: Period):
    return Procedure.online_level == "full"


def _on_time(_period: Period):
    # Set with finished_at when the dossier is decided (services/dossiers/deadlines.finish).
    return Dossier.on_time == true()


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


# Indicator code -> how it is counted.
FORMULAS: dict[str, Formula] = {
    "eid_verified_share": Formula(eid_accounts, adult_residents),
    "signature_holder_share": Formula(signature_holders, adult_residents),
    "ehr_share": Formula(residents_with_record, residents),
    "online_dossier_share": Formula(online_dossiers, dossiers_received),
    "full_online_dossier_share": Formula(full_online_dossiers, dossiers_received),
    "on_time_share": Formula(dossiers_on_time, dossiers_finished),
    "mau_share": Formula(monthly_active, adult_residents),
}
