"""Readable dossier codes: `<agency>-<yymmdd>-<sequence>`, e.g. `000.00.17.H26-241122-0001`.

The sequence counts per agency and local (Hanoi) day, so a code says which agency and day
and nothing about who filed it; reading a dossier publicly also needs the owner's last
four ID digits. The counter row is locked by the increment until the transaction ends,
so two dossiers never get the same number.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.dossiers import DossierCodeCounter
from services.calendar.business_days import HANOI


def next_code(session: Session, agency_code: str, at: datetime) -> str:
    day = at.astimezone(HANOI).date()
    table = DossierCodeCounter.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(agency_code=agency_code, day=day, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["agency_code", "day"],
                                      set_={"last": table.c.last + 1}).returning(table.c.last)
    sequence = session.execute(stmt).scalar_one()
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"
