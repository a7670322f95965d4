"""Enter it once: form fields a procedure fills from the population registry or the account.

A property of a procedure's form schema names where its value comes from with the keyword
`"x-prefill": SOURCE` (JSON Schema ignores keywords it does not know, so the schema still
validates forms as before). `GET /procedures/{code}/form?prefill=true` hands the citizen the
values, and filing overwrites those fields with the registry's values whatever the client
sent. A source with no value (an address the registry does not know, a person filed for at a
counter who has no account) is left to the citizen.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import object_session

from models.dossiers import Procedure
from models.identity import Account
from models.reference import AdministrativeUnit, Resident, ResidentAddress
from services.context import Context
from services.dossiers.actors import resident_of
from services.errors import Conflict, NotFound
from services.identity.accounts import current_account
from services.reference.addresses import addresses_on
from services.reference.agency_timeline import hanoi_day
from services.messages import lazy_text

KEYWORD = "x-prefill"
CITY = "thành phố Hà Nội"


def permanent_address(resident: Resident, day: date) -> str | None:
    """The registry's address on `day` with its ward or commune and the city, if it knows one."""
    session = object_session(resident)
    row = session.execute(addresses_on(day).where(ResidentAddress.resident_id == resident.id)
                          .with_only_columns(ResidentAddress.address, AdministrativeUnit.name)
                          .order_by(ResidentAddress.valid_from.desc().nulls_last(), ResidentAddress.id.desc())
                          ).first()
    return ", ".join(part for part in (row.address, row.name, CITY) if part) if row else None


@dataclass(frozen=True)
class Filer:
    """What the city knows of the person a dossier is filed for, on a Hanoi day: their registry
    row, and their account (None for someone filed for at a counter who has none)."""

    resident: Resident
    account: Account | None
    day: date


# Prefill source -> how to read it from what the city knows of the filer.
SOURCES: dict[str, Callable[[Filer], str | None]] = {
    "full_name": lambda filer: filer.resident.full_name,
    "date_of_birth": lambda filer: filer.resident.date_of_birth.isoformat(),
    "national_id": lambda filer: filer.resident.national_id,
    "permanent_address": lambda filer: permanent_address(filer.resident, filer.day),
    # The account's phone, confirmed by a one-time code when the account was opened (E.164).
    "phone": lambda filer: filer.account.phone if filer.account else None,
}


class UnknownSource(ValueError):
    """A form field marked to prefill from a source not in SOURCES."""

    def __init__(self, field_name: str, source: Any) -> None:
        super().__init__(f"{field_name}: {source!r}")
        self.field, self.source = field_name, source


def marks(schema: dict[str, Any]) -> dict[str, str]:
    """{field: source} of the schema's top-level properties; UnknownSource on a source not in SOURCES."""
    found = {}
    for name, spec in (schema.get("properties") or {}).items():
        source = spec.get(KEYWORD) if isinstance(spec, dict) else None
        if source is None:
            continue
        if source not in SOURCES:
            raise UnknownSource(name, source)
        found[name] = source
    return found


def registry_values(schema: dict[str, Any], filer: Filer) -> dict[str, str]:
    """The marked fields the registry or the account has a value for."""
    values = {name: SOURCES[source](filer) for name, source in marks(schema).items()}
    return {name: value for name, value in values.items() if value is not None}


def with_registry_values(schema: dict[str, Any], form: dict[str, Any], filer: Filer) -> dict[str, Any]:
    """The form as filed: the marked fields hold the registry's and the account's values, not the client's."""
    return {**form, **registry_values(schema, filer)}


@dataclass
class ProcedureForm:
    procedure_code: str
    form_schema: dict[str, Any]
    form: dict[str, Any] = field(default_factory=dict)
    prefilled: list[str] = field(default_factory=list)


def procedure_form(ctx: Context, code: str, *, prefill: bool) -> ProcedureForm:
    """The procedure's form, bare or with the signed-in citizen's registry and account values filled in."""
    procedure = ctx.session.get(Procedure, code)
    if procedure is None:
        raise NotFound(lazy_text("dossiers.procedures.no_such_procedure_catalogue"), code="procedure_not_found")
    if not prefill:
        return ProcedureForm(procedure.code, procedure.form_schema)
    account = current_account(ctx)
    resident = resident_of(ctx.session, account)
    if resident is None:
        raise Conflict(lazy_text("dossiers.prefill.not_in_registry"), code="not_in_registry")
    values = registry_values(procedure.form_schema, Filer(resident, account, hanoi_day(ctx.clock.now())))
    return ProcedureForm(procedure.code, procedure.form_schema, values, sorted(values))
