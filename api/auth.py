"""Who is calling: a Bearer access token or an agency ApiKey, turned into a Principal."""
from __future__ import annotations

from flask import g, request

from api.database import db
from api.metrics import queue_use
from api.runtime import runtime
from services.errors import Unauthenticated
from services.identity.agency_keys import authenticate_agency_key
from services.identity.principal import Principal
from services.messages import lazy_text


def authenticate() -> Principal:
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    credential = credential.strip()
    if scheme.lower() == "bearer" and credential:
        return runtime().tokens.verify(credential, also=queue_use)
    if scheme.lower() == "apikey" and credential:
        return authenticate_agency_key(db(), credential, ttl_days=runtime().settings.agency_key_ttl_days)
    raise Unauthenticated(lazy_text("auth.sign_first_send_authorization"), code="unauthenticated")


def current_principal() -> Principal:
    return g.principal
