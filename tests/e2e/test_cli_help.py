"""`--help` speaks the operator's language (issue 17). Click takes the help texts when the
commands are defined, that is when the CLI process imports them, so each language is a fresh
`flask` process with its own locale, as an operator's terminal starts one."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.language import LOCALE_VARIABLES

ROOT = Path(__file__).resolve().parents[2]


def help_of(args: list[str], locale: dict[str, str]) -> str:
    env = {name: value for name, value in os.environ.items() if name not in LOCALE_VARIABLES}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args, "--help"],
                            cwd=ROOT, env={**env, **locale}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("locale", "group", "summaries", "import_"), [
    ({}, "Hồ sơ sức khỏe điện tử.", "Lưu bản tóm tắt cho mọi hồ sơ sức khỏe", "Nạp tệp NDJSON hồ sơ sức khỏe"),
    ({"LANG": "en_US.UTF-8"}, "Electronic health records.", "Store the summary of every record",
     "NDJSON: one provider batch per line"),
])
def test_a_groups_help_is_written_in_the_operators_language(locale, group, summaries, import_):
    shown = help_of(["health"], locale)
    assert group in shown and summaries in shown and import_ in shown
