"""The operator's language: every line the CLI prints comes from the message catalogue in it.

Operators have no Accept-Language; their terminal's locale says it, read as POSIX reads it
(LC_ALL, then LC_MESSAGES, then LANG): "en_US.UTF-8" is English, anything else we do not
speak ("C", "C.UTF-8", unset) is Vietnamese, the catalogue's source language.
"""
from __future__ import annotations

import os
from typing import Any

from services.messages import DEFAULT_LANGUAGE, LANGUAGES, LazyText, translate

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def operator_language() -> str:
    """The first locale variable that is set decides ("en_US.UTF-8" -> "en"); Vietnamese otherwise."""
    locale = next((os.environ[name] for name in LOCALE_VARIABLES if os.environ.get(name)), "")
    primary = locale.split(".")[0].split("_")[0].split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def operator_text(msgid: str | LazyText, **values: Any) -> str:
    """A catalogue text (an id, or a domain error's LazyText) in the operator's language."""
    return translate(operator_language(), msgid, **values)
