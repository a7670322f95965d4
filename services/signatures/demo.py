"""Demo data: catalogues, an issued certificate for the demo citizen, a pending request for
another demo resident at the demo officer's counter. Running it again adds nothing."""
from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.identity import Account, PrincipalKind
from models.signatures import SignatureRequest
from services.context import Context
from services.demo import people
from services.identity import accounts
from services.identity.passwords import Passwords
from services.identity.principal import Principal
from services.messages import lazy_text
from services.reference.file_kinds import import_clean_file
from services.signatures import requests
from services.signatures.appointments import local_today, next_business_day
from services.signatures.authority import CertificateAuthority
from services.signatures.key_vault import KeyVault

DEMO_COUNTER = "MC-P-BADINH"  # a counter of UBND phường Ba Đình (UBND-00004), where the demo OFFICER works
DEMO_PROVIDER = "VNPT-CA"
APPLICANT = people.DemoPerson("001192007777", "Vũ Thu Trang", date(1992, 9, 5), "female", "001",
                              password="Trang@2024", phone="+84987654321")


def load_catalogues(session: Session, data_dir: str) -> None:
    import_clean_file(session, os.path.join(data_dir, "signature_providers.csv"), "providers")
    import_clean_file(session, os.path.join(data_dir, "service_counters.csv"), "counters")


def _as_principal(account: Account) -> Principal:
    return Principal(kind=PrincipalKind.ACCOUNT, account_id=account.id, roles=(account.role,),
                     assurance_level=account.assurance_level, agency_code=account.agency_code,
                     district_code=account.district_code)


def _has_requests(session: Session, account: Account) -> bool:
    return session.scalar(select(SignatureRequest.id).where(SignatureRequest.account_id == account.id)
                          .limit(1)) is not None


def seed(ctx: Context, passwords: Passwords, authority: CertificateAuthority, vault: KeyVault,
         data_dir: str) -> None:
    session, id_hasher = ctx.session, ctx.id_hasher
    load_catalogues(session, data_dir)
    people.seed_people(ctx, passwords, [APPLICANT])
    officer = accounts.find_account(session, id_hasher, people.OFFICER.national_id)
    citizen = accounts.find_account(session, id_hasher, people.CITIZEN.national_id)
    applicant = accounts.find_account(session, id_hasher, APPLICANT.national_id)
    day = next_business_day(local_today(ctx.clock.now()))
    if citizen is not None and officer is not None and not _has_requests(session, citizen):
        issued = requests.submit(replace(ctx, caller=_as_principal(citizen)), provider_code=DEMO_PROVIDER,
                                 counter_code=DEMO_COUNTER, appointment_date=day)
        session.flush()
        requests.approve(replace(ctx, caller=_as_principal(officer)), authority, vault, issued.public_id,
                         note=lazy_text("demo.signatures.identity_checked"))
    if applicant is not None and not _has_requests(session, applicant):
        requests.submit(replace(ctx, caller=_as_principal(applicant)), provider_code="VIETTEL-CA",
                        counter_code=DEMO_COUNTER, appointment_date=day)
    session.flush()
