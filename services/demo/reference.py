"""The shipped reference files (data/) every environment starts from: the demo seed, the
tests and the benchmarks all load them through here."""
from __future__ import annotations

import os

from sqlalchemy.orm import Session

from services.reference.file_kinds import import_clean_file

DATA = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "data"))


def shipped(name: str) -> str:
    """The path of a file shipped in data/."""
    return os.path.join(DATA, name)


def seed_reference_data(session: Session) -> None:
    """Administrative units (2024), deciding agencies (2024 and 2025) and their successors."""
    import_clean_file(session, shipped("units_2024.csv"), "units")
    import_clean_file(session, shipped("agencies.csv"), "agencies")
    import_clean_file(session, shipped("agency_successors.csv"), "agency_successors")


def seed_facilities(session: Session) -> None:
    """The health facility catalogue (needs the units)."""
    import_clean_file(session, shipped("facilities.csv"), "facilities")
