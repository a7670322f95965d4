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

from models.dossiers import Dossier, Procedure
from models.reference import Agency, Resident
from services.clock import clock
from services.context import Context
from services.demo.people import CHILD, CITIZEN
from services.dossiers import actions, deadlines, procedures, submission
from services.identity.accounts import find_account
from services.identity.principal import Principal
from services.reference.file_import import numbered_json_list, run_import

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
STORIES: list[tuple[str, list[tuple[float, str, str | None, list[str] | None]]]] = [
    ("2.000720", [(1.0, "submitted", None, None)]),
    ("1.009994", [(16, "submitted", None, None), (15, "received", None, None), (14, "processing", None, None),
                  (6, "supplement_requested", "Bản vẽ thiết kế chưa có chữ ký của đơn vị thiết kế.",
                   ["Bản vẽ thiết kế có chữ ký, đóng dấu", "Bản sao giấy chứng nhận quyền sử dụng đất"])]),
    ("2.000635", [(30, "submitted", None, None), (29.9, "received", None, None),
                  (29.8, "processing", None, None), (29.5, "approved", "Đã cấp 2 bản sao trích lục khai sinh.", None),
                  (28, "returned", "Trả kết quả qua bưu chính.", None)]),
    ("2.000488", [(20, "submitted", None, None), (19, "received", None, None), (18, "processing", None, None)]),
    ("1.004873", [(9, "submitted", None, None), (8.9, "withdrawn", "Không còn nhu cầu.", None)]),
    ("1.004222", [(12, "submitted", None, None), (11, "received", None, None),
                  (10, "rejected", "Địa chỉ tạm trú không khớp hợp đồng thuê nhà.", None)]),
]
EXTENDED = ("2.000488", 2, "Sở Tư pháp thành thật xin lỗi: hồ sơ cần xác minh thêm tại địa phương nơi "
                           "ông/bà từng cư trú nên chưa thể trả kết quả đúng hẹn.")


@contextmanager
def _clock_at(moment: datetime) -> Iterator[None]:
    """Write the demo history as if it happened over the past weeks."""
    with clock.frozen_at(moment):
        yield


def load_catalogue(session: Session) -> None:
    agencies = set(session.scalars(select(Agency.code)))
    with open(CATALOGUE, encoding="utf-8") as stream:
        report = run_import(session, numbered_json_list(stream), procedures.procedure_parser(agencies),
                            procedures.load_procedures)
    if report.errors:
        raise ValueError(f"procedures.json item {report.errors[0].line}: {report.errors[0].reason}")
    session.flush()


def _tell(ctx: Context, owner: Principal, code: str, agency: str,
          story: list[tuple[float, str, str | None, list[str] | None]], now: datetime) -> str | None:
    as_owner = replace(ctx, caller=owner)
    as_agency = replace(ctx, caller=Principal(kind="agency_key", roles=("agency_system",), agency_code=agency))
    dossier_code = None
    for days_ago, state, note, missing in story:
        with _clock_at(now - timedelta(days=days_ago)):
            if state == "submitted":
                dossier_code = submission.submit_online(as_owner, procedure_code=code, form=FORMS[code]).code
            elif state == "withdrawn":
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
    owner = Principal(kind="account", account_id=account.id, roles=("citizen",), assurance_level=1)
    now = ctx.clock.now()
    codes = {code: _tell(ctx, owner, code, session.get(Procedure, code).agency_code,
                         story, now) for code, story in STORIES}
    procedure, days_ago, apology = EXTENDED
    dossier = session.scalar(select(Dossier).where(Dossier.code == codes[procedure]))
    with _clock_at(now - timedelta(days=days_ago)):
        actions.extend(replace(ctx, caller=Principal(kind="agency_key", agency_code=dossier.agency_code)),
                       dossier.code, new_due_at=deadlines.expected_due(max(dossier.due_at, now), 3), apology=apology)
    # A dossier handed in at the ward's police counter on paper.
    with _clock_at(now - timedelta(days=3)):
        submission.register_received(
            replace(ctx, caller=Principal(kind="agency_key", agency_code="002.05.01.H26")),
            national_id=CITIZEN.national_id, procedure_code="1.004194", channel="counter",
            note="Tiếp nhận tại bộ phận một cửa Công an phường Dịch Vọng.")
