"""Free digital signatures: settings, the certificate authority, the key vault, the signing codes.

Settings (environment, or the app config under the same name):

| name | default | meaning |
| --- | --- | --- |
| SIGNATURE_CA_DIR | `<instance>/city-ca` (created on first start) | root + issuing CA files; production never creates them |
| SIGNATURE_KEY_ENCRYPTION_KEY | `<instance>/signature_kek.bin` (created) | 32 bytes, base64; seals holders' keys; production never creates it |
| SIGNATURE_CERT_VALIDITY_DAYS | 365 | validity of issued certificates, 1..1826 (at most 5 years) |
| SIGNATURE_CRL_URL | none | the CRL distribution point written into certificates |
| SIGNATURE_MAX_PDF_BYTES | 5 MiB | largest PDF accepted by sign and verify |
"""
from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from api.config import ConfigError
from services import clock
from services.identity.otp import OtpChallenges
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError
from services.signatures.key_vault import KeyVault
from services.signatures.local_ca import LocalCertificateAuthority
from services.signatures.signing import OTP_PURPOSE

MAX_VALIDITY_DAYS = 5 * 365 + 1
REQUIRED_IN_PRODUCTION = ("SIGNATURE_CA_DIR", "SIGNATURE_KEY_ENCRYPTION_KEY")


@dataclass
class SignatureParts:
    authority: CertificateAuthority
    vault: KeyVault
    challenges: OtpChallenges
    max_pdf_bytes: int
    expose_otp: bool


def _setting(config: Mapping[str, Any], name: str, default: Any = None) -> Any:
    value = config.get(name)
    if value in (None, ""):
        value = os.environ.get(name)
    return default if value in (None, "") else value


def _int_setting(config: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = _setting(config, name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _key_encryption_key(config: Mapping[str, Any], instance_path: str, production: bool) -> bytes:
    raw = _setting(config, "SIGNATURE_KEY_ENCRYPTION_KEY")
    if raw:
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ConfigError("SIGNATURE_KEY_ENCRYPTION_KEY must be base64") from exc
        if len(key) != 32:
            raise ConfigError("SIGNATURE_KEY_ENCRYPTION_KEY must decode to 32 bytes")
        return key
    path = os.path.join(instance_path, "signature_kek.bin")
    if production and not os.path.exists(path):
        raise ConfigError("production needs SIGNATURE_KEY_ENCRYPTION_KEY set in the environment")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(os.urandom(32))
    with open(path, "rb") as handle:
        return handle.read()


def build_parts(app: Flask) -> SignatureParts:
    config = app.config
    production = config["APP_ENV"] == "production"  # production uses keys it is given, never new ones
    if os.environ.get("APP_ENV") == "production":  # started from the environment: say what is missing
        missing = [name for name in REQUIRED_IN_PRODUCTION if not _setting(config, name)]
        if missing:
            raise ConfigError("production needs " + ", ".join(missing) + " set in the environment")
    ca_dir = _setting(config, "SIGNATURE_CA_DIR")
    validity = _int_setting(config, "SIGNATURE_CERT_VALIDITY_DAYS", 365, 1, MAX_VALIDITY_DAYS)
    try:
        authority = LocalCertificateAuthority.open(
            ca_dir or os.path.join(app.instance_path, "city-ca"), create_if_missing=not production,
            now=clock.utcnow(), validity=timedelta(days=validity),
            crl_url=_setting(config, "SIGNATURE_CRL_URL"))
    except CertificateAuthorityError as exc:
        raise ConfigError(f"production needs SIGNATURE_CA_DIR set to an existing CA ({exc})") from exc
    max_pdf = _int_setting(config, "SIGNATURE_MAX_PDF_BYTES", 5 * 1024 * 1024, 1024,
                           int(config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024))
    return SignatureParts(authority, KeyVault(_key_encryption_key(config, app.instance_path, production)),
                          OtpChallenges(app.extensions["runtime"].kv, OTP_PURPOSE), max_pdf, not production)


def init_app(app: Flask) -> None:
    app.extensions["signatures"] = build_parts(app)


def parts() -> SignatureParts:
    return current_app.extensions["signatures"]
