"""Demo dossiers: the catalogue, and the demo citizen's dossiers in several states with history."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.dossiers import Dossier, DossierChannel, DossierStatus as S
from models.identity import PrincipalKind, Role
from models.reference import Resident
from services.clock import clock
from services.context import Context
from services.demo.people import CHILD, CITIZEN
from services.dossiers import actions, deadlines, submission
from services.identity.accounts import find_account
from services.identity.principal import AGENCY_SYSTEM, Principal
from services.messages import lazy_text
from services.reference.file_kinds import import_clean_file

CATALOGUE = os.path.join(os.path.dirname(__file__), "..", "..", "data", "procedures.json")

FORMS: dict[str, dict[str, Any]] = {
    "2.000720": {"business_name": "Tạp hoá Hoa Mai", "address": "18 Đội Cấn, Ba Đình",
                 "lines_of_business": ["Bán lẻ thực phẩm"], "capital_vnd": 80_000_000, "employees": 2},
    "1.009994": {"plot_address": "25 ngõ 40 Đội Cấn, Ba Đình", "land_certificate_number": "CS 04512",
                 "floor_area_m2": 180.5, "floors": 4},
    "2.000635": {"record_kind": "birth", "record_number": f"123/{CHILD.date_of_birth.year}", "copies": 2},
    "2.000488": {"form_type": 1, "purpose": "Bổ sung hồ sơ xin việc", "copies": 2},
    "1.004873": {"purpose": "Vay vốn ngân hàng", "marital_status": "single"},
    "1.004222": {"address": "Phòng 1203, toà B, 1 Trần Đăng Ninh, Cầu Giấy",
                 "from_date": "2026-12-01", "months": 12},
}

# procedure, then (days ago, move, note, missing documents) after the online filing.
STORIES: list[tuple[str, list[tuple[float, S, str | None, list[str] | None]]]] = [
    ("2.000720", [(1.0, S.SUBMITTED, None, None)]),
    ("1.009994", [(16, S.SUBMITTED, None, None), (15, S.RECEIVED, None, None), (14, S.PROCESSING, None, None),
                  (6, S.SUPPLEMENT_REQUESTED, "Bản vẽ thiết kế chưa có chữ ký của đơn vị thiết kế.",
                   ["Bản vẽ thiết kế có chữ ký, đóng dấu", "Bản sao giấy chứng nhận quyền sử dụng đất"])]),
    ("2.000635", [(30, S.SUBMITTED, None, None), (29.9, S.RECEIVED, None, None),
                  (29.8, S.PROCESSING, None, None), (29.5, S.APPROVED, "Đã cấp 2 bản sao trích lục khai sinh.", None),
                  (28, S.RETURNED, "Trả kết quả qua bưu chính.", None)]),
    ("2.000488", [(20, S.SUBMITTED, None, None), (19, S.RECEIVED, None, None), (18, S.PROCESSING, None, None)]),
    ("1.004873", [(9, S.SUBMITTED, None, None), (8.9, S.WITHDRAWN, "Không còn nhu cầu.", None)]),
    ("1.004222", [(12, S.SUBMITTED, None, None), (11, S.RECEIVED, None, None),
                  (10, S.REJECTED, "Địa chỉ tạm trú không khớp hợp đồng thuê nhà.", None)]),
]
EXTENDED = ("2.000488", 2, "Sở Tư pháp thành thật xin lỗi: hồ sơ cần xác minh thêm tại địa phương nơi "
                           "ông/bà từng cư trú nên chưa thể trả kết quả đúng hẹn.")


@contextmanager
def _clock_at(moment: datetime) -> Iterator[None]:
    """Write the demo history as if it happened over the past weeks."""
    with clock.frozen_at(moment):
        yield


def load_catalogue(session: Session) -> None:
    """The procedure catalogue (data/procedures.json; needs the agencies)."""
    import_clean_file(session, CATALOGUE, "procedures")


def _tell(ctx: Context, owner: Principal, code: str,
          story: list[tuple[float, S, str | None, list[str] | None]], now: datetime) -> str | None:
    """One dossier's story, moved by the agency that decides it when filed (the 2025 one)."""
    as_owner, as_agency = replace(ctx, caller=owner), ctx
    dossier_code = None
    for days_ago, state, note, missing in story:
        with _clock_at(now - timedelta(days=days_ago)):
            if state == S.SUBMITTED:
                filed = submission.submit_online(as_owner, procedure_code=code, form=FORMS[code])
                dossier_code = filed.code
                as_agency = replace(ctx, caller=Principal(kind=PrincipalKind.AGENCY_KEY, roles=(AGENCY_SYSTEM,),
                                                          agency_code=filed.agency_code))
            elif state == S.WITHDRAWN:
                actions.withdraw(as_owner, dossier_code, reason=note)
            else:
                actions.transition(as_agency, dossier_code, to=state, note=note, missing_documents=missing)
    return dossier_code


def seed_dossiers(ctx: Context) -> None:
    """The catalogue, and once only, the demo citizen's dossiers (skipped if she has any)."""
    session = ctx.session
    load_catalogue(session)
    account = find_account(session, ctx.id_hasher, CITIZEN.national_id)
    resident = session.scalar(select(Resident).where(Resident.national_id == CITIZEN.national_id))
    if account is None or resident is None or session.scalar(
            select(func.count()).select_from(Dossier).where(Dossier.owner_resident_id == resident.id)):
        return
    owner = Principal(kind=PrincipalKind.ACCOUNT, account_id=account.id, roles=(Role.CITIZEN,), assurance_level=1)
    now = ctx.clock.now()
    # The demo's history is from before fees were paid online: they were paid at the counter.
    ctx = replace(ctx, settings=replace(ctx.settings, payment_gateway_url=None))
    codes = {code: _tell(ctx, owner, code, story, now) for code, story in STORIES}
    procedure, days_ago, apology = EXTENDED
    dossier = session.scalar(select(Dossier).where(Dossier.code == codes[procedure]))
    with _clock_at(now - timedelta(days=days_ago)):
        actions.extend(replace(ctx, caller=Principal(kind=PrincipalKind.AGENCY_KEY, agency_code=dossier.agency_code)),
                       dossier.code, new_due_at=deadlines.expected_due(max(dossier.due_at, now), 3), apology=apology)
    # A dossier handed in at the ward's police counter on paper.
    with _clock_at(now - timedelta(days=3)):
        submission.register_received(
            replace(ctx, caller=Principal(kind=PrincipalKind.AGENCY_KEY, agency_code="CA-00166")),
            national_id=CITIZEN.national_id, full_name=CITIZEN.full_name, procedure_code="1.004194",
            channel=DossierChannel.COUNTER, note=lazy_text("demo.dossier.counter_note"))
