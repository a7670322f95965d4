"""The named demo people: a citizen with a child, and staff. Sign-in details go to the README."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


from models.identity import Account, AccountStatus, Role
from services.context import Context
from services.identity import accounts
from services.identity.passwords import Passwords
from services.reference.residents import load_residents


@dataclass(frozen=True)
class DemoPerson:
    national_id: str
    full_name: str
    date_of_birth: date
    sex: str
    district_code: str
    password: str | None = None
    role: Role = Role.CITIZEN
    agency_code: str | None = None
    facility_code: str | None = None
    phone: str | None = None
    guardian_national_id: str | None = None
    assurance_level: int = 2  # citizens: checked at a counter (staff accounts are always level 2)


CITIZEN = DemoPerson("001185004321", "Nguyễn Thị Hoa", date(1985, 3, 14), "female", "005",
                     password="Hanoi@2024", phone="+84912345678")
# Signed up with the ID card and phone only: level 1, to show the level-2 gate (403).
LEVEL1_CITIZEN = DemoPerson("001195007777", "Đỗ Thu Trang", date(1995, 9, 23), "female", "005",
                            password="Hanoi@2024", phone="+84912345679", assurance_level=1)
CHILD = DemoPerson("001215006789", "Trần Minh Khôi", date(2015, 6, 1), "male", "005",
                   guardian_national_id=CITIZEN.national_id)
OFFICER = DemoPerson("001080001111", "Trần Văn Bình", date(1980, 7, 2), "male", "001",
                     password="Officer@2024", role=Role.OFFICER, agency_code="UBND-00004")  # UBND phường Ba Đình
ANALYST = DemoPerson("001190002222", "Lê Minh Châu", date(1990, 11, 20), "female", "006",
                     password="Analyst@2024", role=Role.ANALYST)
ADMIN = DemoPerson("001075003333", "Phạm Quốc Hùng", date(1975, 1, 9), "male", "002",
                   password="Admin@2024", role=Role.ADMIN)

PEOPLE = [CITIZEN, LEVEL1_CITIZEN, CHILD, OFFICER, ANALYST, ADMIN]


def seed_people(ctx: Context, passwords: Passwords, people: list[DemoPerson] = PEOPLE) -> None:
    """Put the demo people in the registry and give those with a password an account."""
    session, id_hasher = ctx.session, ctx.id_hasher
    load_residents(session, [{
        "national_id": p.national_id, "full_name": p.full_name, "date_of_birth": p.date_of_birth,
        "sex": p.sex, "district_code": p.district_code,
        "guardian_national_id": p.guardian_national_id, "phone": p.phone} for p in people])
    for person in people:
        if person.password is None or accounts.find_account(session, id_hasher, person.national_id):
            continue
        if person.role == Role.CITIZEN:
            session.add(Account(
                national_id_hash=id_hasher(person.national_id), national_id=person.national_id,
                full_name=person.full_name, date_of_birth=person.date_of_birth, sex=person.sex,
                district_code=person.district_code, phone=person.phone,
                password_hash=passwords.hash(person.password), role=Role.CITIZEN,
                assurance_level=person.assurance_level,
                status=AccountStatus.ACTIVE, created_at=ctx.clock.now()))
        else:
            accounts.create_staff(ctx, passwords, role=person.role,
                                  national_id=person.national_id, full_name=person.full_name,
                                  password=person.password, agency_code=person.agency_code,
                                  facility_code=person.facility_code)
    session.flush()
