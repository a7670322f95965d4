"""`--help` and click's own texts speak the operator's language (issue 17). Click takes the help
texts when the commands are defined, that is when the CLI process imports them, and its own
texts ("Usage:", "Options", its errors) through gettext bound when the app loads
(api/cli/click_language.py), so each language is a fresh `flask` process with its own locale,
as an operator's terminal starts one."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.language import LOCALE_VARIABLES

ROOT = Path(__file__).resolve().parents[2]


def flask(args: list[str], locale: dict[str, str]) -> subprocess.CompletedProcess:
    """`flask --app wsgi ARGS` in a terminal whose locale is `locale` (LANGUAGE too is the
    terminal's: an inherited one must not decide)."""
    env = {name: value for name, value in os.environ.items() if name not in (*LOCALE_VARIABLES, "LANGUAGE")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],
                          cwd=ROOT, env={**env, **locale}, capture_output=True, text=True, timeout=120)


def help_of(args: list[str], locale: dict[str, str]) -> str:
    result = flask([*args, "--help"], locale)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("locale", "group", "summaries", "import_", "clicks"), [
    ({}, "Hồ sơ sức khỏe điện tử.", "Lưu bản tóm tắt cho mọi hồ sơ sức khỏe", "Nạp tệp NDJSON hồ sơ sức khỏe",
     ("Cách dùng: ", "\nTùy chọn:\n", "Hiện hướng dẫn này rồi thoát.", "\nLệnh:\n")),
    ({"LANG": "en_US.UTF-8"}, "Electronic health records.", "Store the summary of every record",
     "NDJSON: one provider batch per line",
     ("Usage: ", "\nOptions:\n", "Show this message and exit.", "\nCommands:\n")),
])
def test_a_groups_help_is_written_in_the_operators_language(locale, group, summaries, import_, clicks):
    shown = help_of(["health"], locale)
    assert group in shown and summaries in shown and import_ in shown
    assert all(text in shown for text in clicks), shown


@pytest.mark.parametrize(("locale", "said"), [
    ({"LANG": "C.UTF-8", "LANGUAGE": "en"},  # C is Vietnamese here, whatever gettext's LANGUAGE said
     ("Cách dùng: ", "health import [OPTIONS] PATH", "Gõ '", "health import --help' để xem hướng dẫn.",
      "Lỗi: Không có tùy chọn '--nope'.")),
    ({"LC_ALL": "en_US.UTF-8"},
     ("Usage: ", "health import [OPTIONS] PATH", "Try '", "health import --help' for help.",
      "Error: No such option '--nope'.")),
])
def test_clicks_own_errors_are_written_in_the_operators_language(locale, said):
    result = flask(["health", "import", "--nope"], locale)
    assert result.returncode == 2 and all(text in result.stderr for text in said), result.stderr
