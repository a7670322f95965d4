"""Security controls found missing in the review (SECURITY.md): who and when in the request log, no demo
staff in production."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime

from api.request_log import configure_logging


def test_a_request_line_names_the_caller_and_never_the_token(client, people, caplog):
    person = people.citizen()
    with caplog.at_level(logging.INFO, logger="request"):
        client.get("/api/v1/me", headers=person.headers)
        client.get("/api/v1/me")
    signed_in, anonymous = [r for r in caplog.records if r.name == "request"][-2:]
    assert signed_in.caller == f"account:{person.account.id}" and signed_in.status == 200
    assert anonymous.caller is None and anonymous.status == 401
    text = json.dumps([vars(r) for r in caplog.records], default=str)
    assert person.access_token not in text and person.national_id not in text


def test_log_lines_carry_a_utc_timestamp_with_its_offset():
    configure_logging("INFO")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_ihanoi", False))
    record = logging.LogRecord("request", logging.INFO, __file__, 1, "request", None, None)
    line = json.loads(handler.formatter.format(record))
    assert datetime.fromisoformat(line["timestamp"]).utcoffset().total_seconds() == 0


def test_production_refuses_the_demo_accounts_with_published_passwords(app, runner, monkeypatch):
    rt = app.extensions["runtime"]
    monkeypatch.setattr(rt, "settings", replace(rt.settings, app_env="production"))
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "bị từ chối trên môi trường vận hành" in result.output
