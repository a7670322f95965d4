"""Arranging tests: reference data, people with accounts and tokens, auth headers."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.context import context_of
from models.identity import Account
from services.clock import clock
from services.demo.population import national_id_for
from services.identity import accounts
from services.reference.residents import load_residents

PASSWORD = "correct horse battery"
_tails = itertools.count(500_000)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Person:
    national_id: str
    full_name: str
    date_of_birth: date
    sex: str
    district_code: str
    account: Account | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


class PeopleFactory:
    def __init__(self, app, session: Session) -> None:
        self.app = app
        self.session = session
        self.rt = app.extensions["runtime"]

    def resident(self, *, born: date = date(1990, 5, 17), sex: str = "female",
                 district_code: str = "005", full_name: str = "Nguyễn Thị Lan",
                 guardian: str | None = None, phone: str | None = "+84912345678") -> Person:
        person = Person(national_id_for(born, sex, next(_tails)), full_name, born, sex, district_code)
        load_residents(self.session, [{
            "national_id": person.national_id, "full_name": full_name, "date_of_birth": born,
            "sex": sex, "district_code": district_code, "guardian_national_id": guardian, "phone": phone}])
        self.session.flush()
        return person

    def citizen(self, *, assurance_level: int = 2, **resident: Any) -> Person:
        person = self.resident(**resident)
        account = Account(
            national_id_hash=self.rt.id_hasher(person.national_id), national_id=person.national_id,
            full_name=person.full_name, date_of_birth=person.date_of_birth, sex=person.sex,
            district_code=person.district_code, phone="+84912000111",
            password_hash=self.rt.passwords.hash(PASSWORD), role="citizen",
            assurance_level=assurance_level, status="active", created_at=clock.now())
        self.session.add(account)
        self.session.flush()
        return self._signed_in(person, account)

    def staff(self, role: str, *, agency_code: str | None = None,
              facility_code: str | None = None) -> Person:
        if role == "officer" and agency_code is None:
            agency_code = "000.01.01.H26"
        person = Person(national_id_for(date(1985, 1, 1), "male", next(_tails)), f"Cán bộ {role}",
                        date(1985, 1, 1), "male", "001")
        account = accounts.create_staff(
            context_of(self.rt, self.session), self.rt.passwords, role=role,
            national_id=person.national_id, full_name=person.full_name, password=PASSWORD,
            agency_code=agency_code, facility_code=facility_code)
        return self._signed_in(person, account)

    def _signed_in(self, person: Person, account: Account) -> Person:
        pair = self.rt.sign_in.open_session(self.session, account, "pytest")
        self.session.commit()
        person.account, person.access_token, person.refresh_token = account, pair.access_token, pair.refresh_token
        return person
