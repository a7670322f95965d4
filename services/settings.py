"""Every setting of the app, read once into one frozen, validated object (the README has the table).

`Settings.load(env, overrides, instance_path)` is the only reader: the HTTP layer passes it
`os.environ` and create_app's overrides; services receive the result, never the environment.
Each field is one row of the table below: its environment name is the field name in capitals,
its parser checks the value (ranges, choices) and says which setting is wrong.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from services.notifications.fcm import DEFAULT_ENDPOINT

ENVIRONMENTS = ("development", "testing", "production")
PUSH_SENDERS = ("log", "fcm")
SMS_SENDERS = ("log", "http")
PASSWORD_HASH_PROFILES = ("default", "fast")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_VALIDITY_DAYS = 5 * 365 + 1
MIB = 1024 * 1024
FALSE_WORDS = ("off", "0", "false", "no")
DEV_GATEWAY = "dev"  # PAYMENT_GATEWAY_URL: the development gateway, started in-process


class ConfigError(RuntimeError):
    """The configuration cannot run in the chosen environment."""


Parse = Callable[[str, str], Any]  # (setting name, raw text) -> value


def text(_name: str, raw: str) -> str:
    return raw


def switch(_name: str, raw: str) -> bool:
    return raw.lower() not in FALSE_WORDS


def one_of(*choices: str) -> Parse:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
        return raw
    return parse


def integer(low: int, high: int | None = None) -> Parse:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ConfigError(f"{name} must be {bounds}, got {value}")
        return value
    return parse


def words(name: str, raw: str) -> tuple[str, ...]:
    """A comma-separated list."""
    values = tuple(word.strip() for word in raw.split(",") if word.strip())
    if not values:
        raise ConfigError(f"{name} must list at least one value")
    return values


def acr_levels(name: str, raw: str) -> str:
    """`acr=level` pairs, comma-separated, each level 1 or 2 (read with `acr_level_map`)."""
    try:
        acr_level_map(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be acr=level pairs with level 1 or 2, got {raw!r}") from exc
    return raw


def acr_level_map(raw: str) -> dict[str, int]:
    pairs = dict(pair.split("=", 1) for pair in raw.split(",") if pair.strip())
    levels = {acr.strip(): int(level) for acr, level in pairs.items()}
    if not levels or set(levels.values()) - {1, 2}:
        raise ValueError(raw)
    return levels


def setting(default: Any, parse: Parse = text) -> Any:
    return field(default=default, metadata={"parse": parse})


@dataclass(frozen=True)
class Settings:
    app_env: str = setting("development", one_of(*ENVIRONMENTS))
    instance_path: str = setting("instance")  # given by the app (Flask resolves INSTANCE_PATH)
    database_url: str = setting("")  # empty: a SQLite file under instance_path
    redis_url: str | None = setting(None)
    secret_key: str | None = setting(None)
    jwt_private_key_file: str | None = setting(None)
    jwt_issuer: str = setting("https://id.ihanoi.local")
    jwt_audience: str = setting("ihanoi-app")
    access_token_ttl_seconds: int = setting(900, integer(1, 900))
    refresh_token_ttl_days: int = setting(30, integer(1))
    token_cache_size: int = setting(10_000, integer(0))
    national_id_hash_key: str | None = setting(None)
    auth_rate_limit: str = setting("2000 per minute")
    signin_max_failures: int = setting(5, integer(1))
    signin_lockout_seconds: int = setting(900, integer(1))
    max_upload_bytes: int = setting(10 * MIB, integer(1024))
    password_hash_profile: str = setting("default", one_of(*PASSWORD_HASH_PROFILES))
    log_level: str = setting("INFO", one_of(*LOG_LEVELS))
    db_pool_size: int = setting(5, integer(1))
    signature_ca_dir: str | None = setting(None)
    signature_key_encryption_key: str | None = setting(None)
    signature_cert_validity_days: int = setting(365, integer(1, MAX_VALIDITY_DAYS))
    signature_crl_url: str | None = setting(None)
    signature_max_pdf_bytes: int = setting(5 * MIB, integer(1024))
    signature_key_algorithm: str = setting("ecdsa-p256", one_of("ecdsa-p256", "rsa-3072-pss"))
    signature_policy_oid: str | None = setting(None)
    signature_ocsp_url: str | None = setting(None)
    signature_ca_issuers_url: str | None = setting(None)
    signature_root_certificate_url: str | None = setting(None)
    signature_tsa_policy_oid: str = setting("1.3.6.1.4.1.99999.1.2")
    signature_ocsp_validity_seconds: int = setting(3600, integer(60, 7 * 86400))
    signature_verify_max_signatures: int = setting(10, integer(1, 100))
    signature_verify_budget_ms: int = setting(5000, integer(100, 60_000))
    signature_verify_rate_limit: str = setting("60 per minute")
    push_sender: str = setting("log", one_of(*PUSH_SENDERS))
    fcm_credentials_file: str | None = setting(None)
    fcm_endpoint: str = setting(DEFAULT_ENDPOINT)
    metrics_suppression_threshold: int = setting(10, integer(1))
    metrics_redis_retention_days: int = setting(3, integer(1))
    metrics_rollup_interval_seconds: int = setting(300, integer(1))
    metrics_usage_counting: bool = setting(True, switch)
    document_store_url: str = setting("")  # empty: the directory instance/documents
    document_store_endpoint_url: str | None = setting(None)
    document_store_region: str | None = setting(None)
    document_max_bytes: int = setting(10 * MIB, integer(1024))
    document_retention_days: int = setting(365, integer(1))
    payment_gateway_url: str | None = setting(None)  # unset: fees are paid at the counter
    payment_gateway_name: str = setting("dev")
    payment_gateway_secret: str | None = setting(None)
    payment_gateway_api_key: str | None = setting(None)
    payment_callback_url: str | None = setting(None)
    payment_bank_bin: str = setting("970415")
    payment_bank_account: str = setting("113000006100")
    rating_change_days: int = setting(7, integer(0, 365))
    health_entry_probe_limit: int = setting(30, integer(1))
    agency_key_ttl_days: int = setting(365, integer(1, 3650))
    sms_sender: str = setting("log", one_of(*SMS_SENDERS))
    sms_gateway_url: str | None = setting(None)
    sms_gateway_sender: str = setting("iHanoi")
    sms_gateway_username: str | None = setting(None)
    sms_gateway_password: str | None = setting(None)
    sms_gateway_token: str | None = setting(None)
    sms_gateway_timeout_seconds: int = setting(5, integer(1, 60))
    trusted_proxy_count: int = setting(0, integer(0, 5))
    eid_issuer: str | None = setting(None)  # unset in development: the development provider's
    eid_client_id: str = setting("ihanoi")
    eid_client_key: str | None = setting(None)  # private JWK (JSON); development: under instance/
    eid_redirect_uris: tuple[str, ...] = setting(("ihanoi://eid-callback",), words)
    eid_id_token_algorithms: tuple[str, ...] = setting(("ES256", "RS256"), words)
    eid_acr_levels: str = setting("level1=1,level2=2", acr_levels)
    eid_timeout_seconds: int = setting(5, integer(1, 60))
    eid_dev_provider_port: int = setting(8765, integer(0, 65535))

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @classmethod
    def names(cls) -> list[str]:
        """The environment names, as the README's table lists them."""
        return [item.name.upper() for item in fields(cls)]

    @classmethod
    def load(cls, env: Mapping[str, str], overrides: Mapping[str, Any] | None = None,
             *, instance_path: str) -> Settings:
        """The environment's settings (refused in production when a secret is missing), then
        create_app's overrides (tests, benchmarks) over them; every value is validated."""
        from_env = _parsed(env)
        from_env["instance_path"] = instance_path
        if from_env.get("app_env") == "production":
            _check_production(replace(cls(), **from_env))
        settings = replace(cls(), **{**from_env, **_parsed(overrides or {}, empty_is_default=True)})
        if not settings.database_url:
            settings = replace(settings, database_url="sqlite:///" + os.path.join(
                instance_path, "ihanoi.sqlite3"))
        return _checked(settings)


def _parsed(source: Mapping[str, Any], *, empty_is_default: bool = False) -> dict[str, Any]:
    """The settings `source` names, parsed; an empty value is no value (an override set to
    None or "" puts the setting back to its default, whatever the environment says)."""
    values = {}
    for item in fields(Settings):
        name = item.name.upper()
        if item.name == "instance_path" or name not in source:
            continue
        raw = source[name]
        if raw is not None and raw != "":
            values[item.name] = item.metadata["parse"](name, str(raw))
        elif empty_is_default:
            values[item.name] = item.default
    return values


def _checked(settings: Settings) -> Settings:
    if settings.sms_sender == "http":
        _check_sms_gateway(settings)
    if settings.push_sender == "fcm" and not settings.fcm_credentials_file:
        raise ConfigError("PUSH_SENDER=fcm needs FCM_CREDENTIALS_FILE (a service-account JSON file)")
    if settings.signature_max_pdf_bytes > settings.max_upload_bytes:
        raise ConfigError(f"SIGNATURE_MAX_PDF_BYTES must be between 1024 and {settings.max_upload_bytes}"
                          f" (MAX_UPLOAD_BYTES), got {settings.signature_max_pdf_bytes}")
    if settings.payment_gateway_url == DEV_GATEWAY and settings.production:
        raise ConfigError("PAYMENT_GATEWAY_URL=dev is the development gateway: never in production")
    if settings.payment_gateway_url not in (None, DEV_GATEWAY) and not settings.payment_gateway_secret:
        raise ConfigError("PAYMENT_GATEWAY_URL needs PAYMENT_GATEWAY_SECRET (the callbacks' HMAC key)")
    if settings.document_max_bytes > settings.max_upload_bytes:
        raise ConfigError(f"DOCUMENT_MAX_BYTES must be between 1024 and {settings.max_upload_bytes}"
                          f" (MAX_UPLOAD_BYTES), got {settings.document_max_bytes}")
    return settings


# What a production started from the environment must be given (it never generates secrets).
REQUIRED_IN_PRODUCTION = ("secret_key", "jwt_private_key_file", "national_id_hash_key",
                          "signature_ca_dir", "signature_key_encryption_key",
                          # Circular 15/2025: every certificate names where its revocation is checked
                          "signature_crl_url", "signature_ocsp_url",
                          # and where its issuer's certificate is, so any client can build the chain
                          "signature_ca_issuers_url")


def _check_production(settings: Settings) -> None:
    """Refuse to start production on development defaults, with one clear line."""
    missing = []
    if not settings.database_url or settings.database_url.startswith("sqlite"):
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.redis_url:
        missing.append("REDIS_URL")
    missing += [name.upper() for name in REQUIRED_IN_PRODUCTION if not getattr(settings, name)]
    if settings.sms_sender == "log":
        missing.append("SMS_SENDER=http (the log sender would write codes to the log)")
    if settings.eid_issuer and not settings.eid_client_key:
        missing.append("EID_CLIENT_KEY")
    if missing:
        raise ConfigError("production needs " + ", ".join(missing) + " set in the environment")


def _check_sms_gateway(settings: Settings) -> None:
    if not settings.sms_gateway_url:
        raise ConfigError("SMS_SENDER=http needs SMS_GATEWAY_URL")
    basic = bool(settings.sms_gateway_username and settings.sms_gateway_password)
    if basic == bool(settings.sms_gateway_token):
        raise ConfigError("SMS_SENDER=http needs SMS_GATEWAY_USERNAME and SMS_GATEWAY_PASSWORD, "
                          "or SMS_GATEWAY_TOKEN (one of the two)")
