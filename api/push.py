"""The push sender of this app, chosen by configuration (PUSH_SENDER=log|fcm)."""
from __future__ import annotations

import logging
import os

from flask import Flask, current_app

from api.config import ConfigError
from services.notifications.fcm import DEFAULT_ENDPOINT, FcmPushSender
from services.notifications.push import LogPushSender, PushSender

SENDERS = ("log", "fcm")
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    config, env = app.config, os.environ
    config.setdefault("PUSH_SENDER", env.get("PUSH_SENDER") or "log")
    config.setdefault("FCM_CREDENTIALS_FILE", env.get("FCM_CREDENTIALS_FILE") or None)
    config.setdefault("FCM_ENDPOINT", env.get("FCM_ENDPOINT") or DEFAULT_ENDPOINT)
    kind = config["PUSH_SENDER"]
    if kind not in SENDERS:
        raise ConfigError(f"PUSH_SENDER must be one of {', '.join(SENDERS)}, got {kind!r}")
    if kind == "fcm" and not config["FCM_CREDENTIALS_FILE"]:
        raise ConfigError("PUSH_SENDER=fcm needs FCM_CREDENTIALS_FILE (a service-account JSON file)")
    if kind == "log" and config["APP_ENV"] == "production":
        log.warning("PUSH_SENDER=log: notifications stay in the in-app inbox, nothing reaches phones")
    app.extensions["push"] = (FcmPushSender(config["FCM_CREDENTIALS_FILE"], endpoint=config["FCM_ENDPOINT"])
                              if kind == "fcm" else LogPushSender())


def push_sender() -> PushSender:
    return current_app.extensions["push"]
