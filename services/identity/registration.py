"""Sign-up: match the population registry, confirm the phone on record by OTP, open a level-1 account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import Account, AccountStatus, AssuranceSource, Role
from services.context import Context
from services.errors import Conflict, ValidationFailed
from services.identity import national_id as cccd
from services.identity import security_log
from services.identity.names import same_name
from services.identity.otp import IssuedChallenge, OtpChallenges
from services.identity.passwords import Passwords
from services.identity.phones import normalize_phone
from services.identity.registry import PopulationRegistry
from services.identity.sessions import SignIn, TokenPair
from services.identity.sms import SmsSender
from services.messages.sms import send_sms
from services.messages import lazy_text

MINIMUM_AGE = 14


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class Applicant:
    national_id: str
    full_name: str
    date_of_birth: date
    phone: str
    password: str
    sex: str | None = None


class Registration:
    def __init__(self, registry_for: Callable[[Session], PopulationRegistry], otps: OtpChallenges,
                 sms: SmsSender, passwords: Passwords, id_hasher: cccd.NationalIdHasher,
                 sign_in: SignIn) -> None:
        self._registry_for = registry_for
        self._otps = otps
        self._sms = sms
        self._passwords = passwords
        self._id_hasher = id_hasher
        self._sign_in = sign_in

    def start(self, ctx: Context, applicant: Applicant) -> IssuedChallenge:
        cccd.check(applicant.national_id, applicant.date_of_birth, applicant.sex)
        phone = normalize_phone(applicant.phone)
        Passwords.check_policy(applicant.password, applicant.national_id)
        if age_on(applicant.date_of_birth, ctx.clock.now().date()) < MINIMUM_AGE:
            raise ValidationFailed.on_field(
                "date_of_birth", lazy_text("identity.registration.accounts_people_aged_14"), "underage")
        record = self._registry_for(ctx.session).lookup(applicant.national_id)
        if (record is None or not same_name(record.full_name, applicant.full_name)
                or record.date_of_birth != applicant.date_of_birth
                or (applicant.sex is not None and applicant.sex != record.sex)
                or (record.phone is not None and record.phone != phone)):
            raise ValidationFailed(lazy_text("identity.registration.details_do_match_population"),
                                   code="identity_mismatch")
        if record.phone is None:
            raise ValidationFailed(
                lazy_text("identity.registration.no_phone_on_record"), code="no_phone_on_record", how=["eid", "counter"])
        if self._account_exists(ctx.session, applicant.national_id):
            raise Conflict(lazy_text("identity.registration.account_already_exists_id"), code="already_registered")
        challenge = self._otps.issue({
            "national_id": record.national_id, "full_name": record.full_name,
            "date_of_birth": record.date_of_birth.isoformat(), "sex": record.sex,
            "district_code": record.district_code, "phone": record.phone,
            "password_hash": self._passwords.hash(applicant.password)})
        # No account yet: the code is texted in the language the sign-up was asked in.
        send_sms(self._sms, record.phone, "signup_code", ctx.language, code=challenge.otp)
        return challenge

    def _account_exists(self, session: Session, national_id: str) -> bool:
        hashed = self._id_hasher(national_id)
        return session.scalar(select(Account.id).where(Account.national_id_hash == hashed)) is not None

    def verify(self, ctx: Context, verification_id: str, otp: str,
               device_name: str | None = None) -> tuple[Account, TokenPair]:
        session = ctx.session
        details = self._otps.redeem(verification_id, otp)
        if self._account_exists(session, details["national_id"]):
            raise Conflict(lazy_text("identity.registration.account_already_exists_id"), code="already_registered")
        account = Account(
            national_id_hash=self._id_hasher(details["national_id"]),
            national_id=details["national_id"], full_name=details["full_name"],
            date_of_birth=date.fromisoformat(details["date_of_birth"]), sex=details["sex"],
            district_code=details["district_code"], phone=details["phone"],
            password_hash=details["password_hash"], role=Role.CITIZEN, assurance_level=1,
            assurance_source=AssuranceSource.SIGN_UP, status=AccountStatus.ACTIVE, created_at=ctx.clock.now())
        session.add(account)
        session.flush()
        security_log.signed_in(session, account.id, device_name, "sign-up")
        return account, self._sign_in.open_session(session, account, device_name)
