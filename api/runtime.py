"""The long-lived parts of one running app: database, key-value store, adapters, secrets."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.database import make_engine, make_session_factory
from services.identity.national_id import NationalIdHasher
from services.identity.otp import OtpChallenges
from services.identity.passwords import Passwords
from services.identity.registration import Registration
from services.identity.registry import TablePopulationRegistry
from services.identity.sessions import SignIn, revoked_within
from services.identity.signing_keys import load_signing_key
from services.identity.sms import LogSmsSender, SmsSender
from services.identity.throttle import SignInThrottle
from services.identity.tokens import AccessTokens
from services.keyvalue import connect

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    engine: Engine
    sessions: sessionmaker[Session]
    kv: redis.Redis
    sms: SmsSender
    id_hasher: NationalIdHasher
    passwords: Passwords
    tokens: AccessTokens
    sign_in: SignIn
    registration: Registration


def _secret_file(instance_path: str, name: str, size: int) -> bytes:
    """A development secret generated once under instance/ (production must configure it)."""
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(size))
    with open(path, "rb") as handle:
        return handle.read()


def build_runtime(app: Flask) -> Runtime:
    config: dict[str, Any] = app.config
    development = config["APP_ENV"] != "production"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_file(app.instance_path, "flask_secret.bin", 32).hex()
    id_key = (config["NATIONAL_ID_HASH_KEY"] or "").encode() or _secret_file(
        app.instance_path, "national_id_hash.key", 32)
    key_file = config["JWT_PRIVATE_KEY_FILE"] or os.path.join(app.instance_path, "jwt_ed25519.pem")
    signing_key = load_signing_key(key_file, create_if_missing=development)

    engine = make_engine(config["DATABASE_URL"], pool_size=config["DB_POOL_SIZE"])
    kv = connect(config["REDIS_URL"])
    id_hasher = NationalIdHasher(id_key)
    passwords = Passwords(config["PASSWORD_HASH_PROFILE"])
    tokens = AccessTokens(signing_key, issuer=config["JWT_ISSUER"], audience=config["JWT_AUDIENCE"],
                          ttl_seconds=config["ACCESS_TOKEN_TTL_SECONDS"], kv=kv,
                          cache_size=config["TOKEN_CACHE_SIZE"])
    throttle = SignInThrottle(kv, config["SIGNIN_MAX_FAILURES"], config["SIGNIN_LOCKOUT_SECONDS"])
    sign_in = SignIn(tokens, passwords, id_hasher, throttle,
                     timedelta(days=config["REFRESH_TOKEN_TTL_DAYS"]))
    sms = LogSmsSender()
    registration = Registration(TablePopulationRegistry, OtpChallenges(kv, "signup"), sms,
                                passwords, id_hasher, sign_in)
    built = Runtime(engine, make_session_factory(engine), kv, sms, id_hasher, passwords, tokens,
                    sign_in, registration)
    tokens.revoked_sessions = _revoked_sessions(built)
    return built


def _revoked_sessions(built: Runtime):
    """The database's revoked sessions, read through whatever session factory is current."""
    def read(seconds: int) -> list:
        with built.sessions() as session:
            return revoked_within(session, seconds)
    return read


def runtime() -> Runtime:
    return current_app.extensions["runtime"]
