"""Configuration from environment variables only (the README has the table)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The configuration cannot run in the chosen environment."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def load_config(instance_path: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment."""
    env = os.environ if env is None else env
    app_env = env.get("APP_ENV", "development")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {app_env!r}")
    default_db = "sqlite:///" + os.path.join(instance_path, "ihanoi.sqlite3")
    config: dict[str, Any] = {
        "APP_ENV": app_env,
        "TESTING": app_env == "testing",
        "DATABASE_URL": env.get("DATABASE_URL") or default_db,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "JWT_PRIVATE_KEY_FILE": env.get("JWT_PRIVATE_KEY_FILE") or None,
        "JWT_ISSUER": env.get("JWT_ISSUER", "https://id.ihanoi.local"),
        "JWT_AUDIENCE": env.get("JWT_AUDIENCE", "ihanoi-app"),
        "ACCESS_TOKEN_TTL_SECONDS": _int(env, "ACCESS_TOKEN_TTL_SECONDS", 900),
        "REFRESH_TOKEN_TTL_DAYS": _int(env, "REFRESH_TOKEN_TTL_DAYS", 30),
        "TOKEN_CACHE_SIZE": _int(env, "TOKEN_CACHE_SIZE", 10_000),
        "NATIONAL_ID_HASH_KEY": env.get("NATIONAL_ID_HASH_KEY") or None,
        "AUTH_RATE_LIMIT": env.get("AUTH_RATE_LIMIT", "2000 per minute"),
        "SIGNIN_MAX_FAILURES": _int(env, "SIGNIN_MAX_FAILURES", 5),
        "SIGNIN_LOCKOUT_SECONDS": _int(env, "SIGNIN_LOCKOUT_SECONDS", 900),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        "PASSWORD_HASH_PROFILE": env.get("PASSWORD_HASH_PROFILE", "default"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "DB_POOL_SIZE": _int(env, "DB_POOL_SIZE", 5),
        # flask-smorest / OpenAPI
        "API_TITLE": "iHanoi citizen backend",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
        "JSON_SORT_KEYS": False,
    }
    if config["ACCESS_TOKEN_TTL_SECONDS"] > 900:
        raise ConfigError("ACCESS_TOKEN_TTL_SECONDS must be at most 900 (15 minutes)")
    if app_env == "production":
        check_production(config)
    return config


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to start production on development defaults, with one clear line."""
    missing = []
    if config["DATABASE_URL"].startswith("sqlite"):
        missing.append("DATABASE_URL (PostgreSQL)")
    if not config["REDIS_URL"]:
        missing.append("REDIS_URL")
    for name in ("SECRET_KEY", "JWT_PRIVATE_KEY_FILE", "NATIONAL_ID_HASH_KEY"):
        if not config[name]:
            missing.append(name)
    if missing:
        raise ConfigError("production needs " + ", ".join(missing) + " set in the environment")
