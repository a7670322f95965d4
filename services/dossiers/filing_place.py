"""Where a dossier is filed and who decides it: the receiving service centre the citizen picks
(anywhere in the city, Decree 118/2025) and the deciding agency, chosen by level."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.dossiers import Procedure
from models.reference import Agency
from services.errors import ValidationFailed
from services.messages import LazyText, lazy_text
from services.reference.agency_timeline import is_open, open_agency

BY_RECEIVING_UNIT = "receiving_unit"   # the people's committee of the unit that received it
BY_CATALOGUE = "catalogue"             # the procedure's own agency (or whoever took it over)

# The level of the procedure's agency -> who decides a dossier of it. A local procedure is
# decided where the dossier was received; a department's, a police's or the city's stays theirs.
DECIDER_OF_LEVEL: dict[str, str] = {
    "city": BY_CATALOGUE,
    "department": BY_CATALOGUE,
    "police": BY_CATALOGUE,
    "centre": BY_CATALOGUE,
    "district": BY_RECEIVING_UNIT,
    "commune": BY_RECEIVING_UNIT,
}


def _unknown(field: str, message: LazyText) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]}, code="unknown_unit_code")


def _open_centre(session: Session, day: date, **where) -> Agency | None:
    rows = session.scalars(select(Agency).filter_by(level="centre", **where)).all()
    return next((agency for agency in rows if is_open(agency, day)), None)


def receiving_centre(session: Session, day: date, unit_code: str | None,
                     centre_code: str | None) -> Agency | None:
    """The service centre open on `day` that the citizen picked, by its code or its unit's code
    (both must agree); None when neither is given. Unknown: 422 naming the field."""
    if centre_code:
        centre = _open_centre(session, day, code=centre_code)
        if centre is None:
            raise _unknown("receiving_centre_code", lazy_text("dossier.filing.no_open_centre", centre=centre_code, day=day))
        if unit_code and unit_code != centre.unit_code:
            raise _unknown("receiving_unit_code", lazy_text("dossier.filing.centre_serves_other_unit", centre=centre.name,
                                                             served=centre.unit_code, unit=unit_code))
        return centre
    if unit_code:
        centre = _open_centre(session, day, unit_code=unit_code)
        if centre is None:
            raise _unknown("receiving_unit_code", lazy_text("dossier.filing.no_centre_in_unit", unit=unit_code, day=day))
        return centre
    return None


def deciding_agency(session: Session, procedure: Procedure, day: date, receiving_unit: str | None) -> Agency:
    """Who decides a dossier of `procedure` filed on `day` and received in `receiving_unit`."""
    agency = session.get(Agency, procedure.agency_code)
    if DECIDER_OF_LEVEL[agency.level] == BY_RECEIVING_UNIT and receiving_unit:
        committees = session.scalars(select(Agency).filter_by(level="commune", unit_code=receiving_unit))
        committee = next((c for c in committees if is_open(c, day)), None)
        if committee is not None:
            return committee
    return open_agency(session, agency, day, [receiving_unit])
