"""Choosing the push sender by configuration."""
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.settings import ConfigError
from services.notifications.fcm import FcmPushSender
from services.notifications.push import LogPushSender


def test_the_log_sender_is_the_default(base_app):
    assert isinstance(base_app.extensions["runtime"].push, LogPushSender)


def test_an_unknown_sender_or_fcm_without_credentials_refuses_to_start(make_app):
    with pytest.raises(ConfigError, match="PUSH_SENDER"):
        make_app(PUSH_SENDER="pigeon")
    with pytest.raises(ConfigError, match="FCM_CREDENTIALS_FILE"):
        make_app(PUSH_SENDER="fcm")


def test_fcm_is_built_from_a_service_account_file(make_app, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "sa.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "ihanoi", "client_email": "push@ihanoi.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
        "private_key": key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode()}))
    app = make_app(PUSH_SENDER="fcm", FCM_CREDENTIALS_FILE=str(path))
    assert isinstance(app.extensions["runtime"].push, FcmPushSender)
