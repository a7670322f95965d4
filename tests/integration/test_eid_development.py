"""The development e-ID provider starts with the app, once per machine (issue 13, point 2)."""
import socket
from dataclasses import replace

import pytest
import requests

from api import eid_development
from devservers.loopback import LoopbackServer
from services.settings import ConfigError, Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings(tmp_path):
    return Settings.load({}, {"EID_DEV_PROVIDER_PORT": free_port()}, instance_path=str(tmp_path))


def _no_sessions():
    raise AssertionError("no resident is looked up here")


def test_a_second_worker_finds_the_port_taken_and_uses_the_running_provider(settings, monkeypatch):
    key = eid_development.client_key(settings)
    assert eid_development.client_key(settings) == key  # one key file under instance/, every worker reads it
    issuer = eid_development.ensure_provider(settings, _no_sessions, key)
    provider = eid_development._running[settings.eid_dev_provider_port]
    try:
        assert issuer == f"http://127.0.0.1:{settings.eid_dev_provider_port}"
        assert provider.client("ihanoi").redirect_uris == ("ihanoi://eid-callback",)
        monkeypatch.setattr(eid_development, "_running", {})  # as another process sees it
        assert eid_development.ensure_provider(settings, _no_sessions, key) == issuer
        discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        assert discovery["issuer"] == issuer
    finally:
        provider.stop()


def test_a_port_taken_by_something_else_stops_the_start_with_a_clear_line(settings):
    other = LoopbackServer(lambda environ, start: start("404 Not Found", []) or [b""],
                           settings.eid_dev_provider_port).start()
    try:
        with pytest.raises(ConfigError, match="EID_DEV_PROVIDER_PORT"):
            eid_development.ensure_provider(settings, _no_sessions, eid_development.client_key(settings))
    finally:
        other.stop()


def test_never_in_production(settings):
    production = replace(settings, app_env="production")
    with pytest.raises(ConfigError):
        eid_development.ensure_provider(production, _no_sessions, {})
    with pytest.raises(ConfigError, match="EID_CLIENT_KEY"):
        eid_development.client_key(production)


def test_the_development_app_serves_the_eid_sign_in_with_nothing_else_to_start(make_app):
    port = free_port()
    app = make_app(APP_ENV="development", EID_DEV_PROVIDER_PORT=port)
    try:
        answer = app.test_client().get("/api/v1/auth/eid/authorize", query_string={
            "redirect_uri": "ihanoi://eid-callback", "login_hint": "001185004321"})
        assert answer.status_code == 200, answer.json
        assert answer.json["authorization_url"].startswith(f"http://127.0.0.1:{port}/authorize?")
    finally:
        eid_development._running.pop(port).stop()
        app.extensions["runtime"].engine.dispose()
