"""The CLI speaks the operator's locale: English when it says so, Vietnamese otherwise."""
from __future__ import annotations

import pytest

from api.cli.language import LOCALE_VARIABLES, operator_language, operator_text


@pytest.mark.parametrize(("variables", "chosen"), [
    ({}, "vi"),
    ({"LANG": "C.UTF-8"}, "vi"),
    ({"LANG": "POSIX"}, "vi"),
    ({"LANG": "fr_FR.UTF-8"}, "vi"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_GB"}, "en"),
    ({"LANG": "vi_VN.UTF-8"}, "vi"),
    ({"LANG": "vi_VN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "vi_VN.UTF-8"}, "vi"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": ""}, "en"),  # an empty variable is unset
])
def test_the_first_locale_variable_set_decides(monkeypatch, variables, chosen):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert operator_language() == chosen


def test_a_line_is_written_in_the_operators_language(monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert operator_text("cli.imports.summary", kind="units", loaded=3, rejected=1) == "units: đã nạp 3, từ chối 1"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert operator_text("cli.imports.summary", kind="units", loaded=3, rejected=1) == "units: 3 loaded, 1 rejected"
