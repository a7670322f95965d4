"""The Context of one request (built once, on first use) or of one CLI command."""
from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from api.database import db
from api.language import request_language
from api.runtime import Runtime, runtime
from services.context import Context
from services.messages import DEFAULT_LANGUAGE


def context_of(rt: Runtime, session: Session, caller=None, language: str = DEFAULT_LANGUAGE) -> Context:
    return Context(session, caller, rt.id_hasher, rt.clock, rt.kv, rt.settings, language)


def request_context() -> Context:
    """This request's context: its session and its authenticated caller (or None)."""
    if "context" not in g:
        g.context = context_of(runtime(), db(), g.get("principal"), request_language())
    return g.context
