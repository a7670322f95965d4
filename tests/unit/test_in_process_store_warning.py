"""Without REDIS_URL the in-process store is announced once per process, not once per app."""
import logging

from services import keyvalue


def test_redis_url_unset_is_logged_once_per_process(monkeypatch, caplog):
    monkeypatch.setattr(keyvalue, "_warned_unset", False)  # as in a fresh process
    with caplog.at_level(logging.WARNING, logger="services.keyvalue"):
        keyvalue.connect(None)
        keyvalue.connect(None)
    assert [r.getMessage() for r in caplog.records].count(
        "REDIS_URL is unset: using an in-process store (single process only)") == 1
