"""The Context of one request (built once, on first use) or of one CLI command."""
from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from api.database import db
from api.runtime import Runtime, runtime
from services.context import Context


def context_of(rt: Runtime, session: Session, caller=None) -> Context:
    return Context(session, caller, rt.id_hasher, rt.clock, rt.kv, rt.settings)


def request_context() -> Context:
    """This request's context: its session and its authenticated caller (or None)."""
    if "context" not in g:
        g.context = context_of(runtime(), db(), g.get("principal"))
    return g.context
