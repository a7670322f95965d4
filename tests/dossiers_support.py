"""Arranging dossier tests: the catalogue, forms that pass, agency keys, moving dossiers."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy.orm import Session

from services.clock import clock
from services.demo.dossiers import load_catalogue
from services.identity.agency_keys import create_agency_key

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
BA_DINH = "UBND-00004"           # UBND phường Ba Đình (from 2025-07-01): the dossier officers' agency
BA_DINH_DISTRICT = "000.01.01.H26"  # UBND quận Ba Đình, ended 2025-06-30 (BA_DINH is its default successor)
BUSINESS = "2.000720"            # business household registration: UBND quận Ba Đình's, now Ba Đình's (3 days)
CRIMINAL_RECORD = "2.000488"     # decided by the Department of Justice (10 days)
BUSINESS_FORM = {"business_name": "Quán phở Hoa", "address": "12 Phúc Xá, Ba Đình",
                 "lines_of_business": ["Dịch vụ ăn uống"], "capital_vnd": 50_000_000}


def key_headers(session: Session, agency_code: str = BA_DINH) -> dict[str, str]:
    key = create_agency_key(session, agency_code)
    session.commit()
    return {"Authorization": f"ApiKey {key}"}


def submit(client, person, procedure_code: str = BUSINESS, form: dict[str, Any] | None = None,
           **headers: str):
    return client.post("/api/v1/dossiers", headers={**person.headers, **headers},
                       json={"procedure_code": procedure_code, "form": form or BUSINESS_FORM})


def move(client, headers: dict[str, str], code: str, to: str, **body: Any):
    return client.post(f"/api/v1/agency/dossiers/{code}/transitions", headers=headers,
                       json={"to": to, **body})


def walk(client, headers: dict[str, str], code: str, *states: str) -> None:
    """Move a dossier through `states` in order, asserting each move succeeds."""
    for state in states:
        extra = {"note": "Thiếu giấy tờ", "missing_documents": ["Bản sao hợp đồng thuê nhà"]} \
            if state == "supplement_requested" else ({"note": "Không đủ điều kiện"} if state == "rejected" else {})
        answer = move(client, headers, code, state, **extra)
        assert answer.status_code == 200, answer.json


def at(text: str) -> datetime:
    """An aware datetime from ISO text (an offset is required)."""
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment.astimezone(timezone.utc)


def freeze(monkeypatch, moment: datetime) -> None:
    clock.freeze(moment)


@pytest.fixture
def catalogue(db_session):
    """The demo procedure catalogue (data/procedures.json) in the test's database."""
    load_catalogue(db_session)
    db_session.commit()


def inbox(client, person) -> list[dict[str, Any]]:
    return client.get("/api/v1/me/notifications?limit=100", headers=person.headers).json["items"]
