"""The development e-ID provider: started with the app (make run, flask run, gunicorn), never in
production, once per machine.

It listens on the fixed loopback port EID_DEV_PROVIDER_PORT. The first process of the machine
to start binds it; every other one (another gunicorn worker, a CLI command) finds the port taken,
checks that an OpenID provider answers there and uses it. The app's client key is a file under
instance/ written once, so whichever worker runs the provider registered the key every worker
signs its client assertions with. The provider reads the population registry through a
database session of its own (it serves from its own thread).
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

import requests
from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.reference import Resident
from services.settings import ConfigError, Settings

log = logging.getLogger(__name__)
CLIENT_KEY_FILE = "eid_client_key.json"
_running: dict[int, Any] = {}  # port -> the provider this process started


def client_key(settings: Settings) -> dict[str, Any]:
    """EID_CLIENT_KEY, or in development a P-256 key written once under instance/."""
    if settings.eid_client_key:
        try:
            return json.loads(settings.eid_client_key)
        except ValueError as exc:
            raise ConfigError("EID_CLIENT_KEY must be a private JWK as JSON") from exc
    if settings.production:
        raise ConfigError("production needs EID_CLIENT_KEY set in the environment")
    path = os.path.join(settings.instance_path, CLIENT_KEY_FILE)
    if not os.path.exists(path):
        os.makedirs(settings.instance_path, exist_ok=True)
        key = ECKey.generate_key("P-256", parameters={"kid": "ihanoi-dev-1"}).as_dict(private=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker wrote it first
            pass
        else:
            with os.fdopen(fd, "w") as out:
                json.dump(key, out)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def registry_lookup(open_session: Callable[[], Session]):
    """lookup(national_id) -> the provider's view of a resident, read in a session of its own."""
    def lookup(national_id: str) -> dict[str, Any] | None:
        with open_session() as session:
            resident = session.scalar(select(Resident).where(Resident.national_id == national_id))
            if resident is None:
                return None
            return {"full_name": resident.full_name, "date_of_birth": resident.date_of_birth,
                    "sex": resident.sex, "phone": resident.phone}
    return lookup


def ensure_provider(settings: Settings, sessions: sessionmaker[Session], key: dict[str, Any]) -> str:
    """The issuer of the machine's development provider, starting it when nobody has."""
    if settings.production:
        raise ConfigError("the development e-ID provider never runs in production: set EID_ISSUER")
    from devservers.eid_provider import EidProvider  # development only

    port = settings.eid_dev_provider_port
    public = {"keys": [ECKey.import_key(key).as_dict(private=False)]}
    provider = _running.get(port) if port else None
    if provider is None:
        if port and _answers(port):  # another worker (or process) of this machine serves it
            return _issuer(port)
        provider = EidProvider(registry_lookup(sessions), port=port)
        try:
            provider.start()
        except (OSError, SystemExit):  # taken (werkzeug exits): another worker won the race
            return _reuse(port)
        if port:
            _running[port] = provider
        log.info("development e-ID provider at %s", provider.issuer)
    provider.register_client(settings.eid_client_id, settings.eid_redirect_uris, public)
    return provider.issuer


def _issuer(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def _answers(port: int) -> bool:
    """An OpenID provider with the expected issuer answers on the port."""
    try:
        answer = requests.get(f"{_issuer(port)}/.well-known/openid-configuration", timeout=2)
        return answer.ok and answer.json().get("issuer") == _issuer(port)
    except (requests.RequestException, ValueError):
        return False


def _reuse(port: int) -> str:
    if not _answers(port):
        raise ConfigError(f"EID_DEV_PROVIDER_PORT {port} is taken by something that is not the "
                          "development e-ID provider; choose another port")
    return _issuer(port)
