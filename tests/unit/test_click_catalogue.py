"""Click's own texts have a Vietnamese entry (issue 17): every text the installed click marks
for gettext is in services/messages/locale/vi/LC_MESSAGES/click.po, written, reviewed and with
the same placeholders, so a click upgrade that adds or changes one fails here, naming it."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.cli.click_language import CLICK_CATALOGUE, CLICK_DOMAIN

PLACEHOLDER = re.compile(r"\{(\w+)(?:![rsa])?\}|%\((\w+)\)s")


def placeholders(*texts: str) -> set[str]:
    return {name for text in texts for found in PLACEHOLDER.findall(text) for name in found if name}


@pytest.fixture(scope="module")
def catalogue() -> dict:
    with CLICK_CATALOGUE.open("rb") as po:
        return {message.id: message for message in read_po(po, locale="vi", domain=CLICK_DOMAIN) if message.id}


def clicks_texts() -> set[str | tuple[str, str]]:
    extracted = extract_from_dir(Path(click.__file__).parent, [("**.py", "python")],
                                 keywords={"_": None, "ngettext": (1, 2)})
    return {message for _, _, message, _, _ in extracted}


def test_every_text_click_marks_has_a_vietnamese_entry(catalogue):
    used = clicks_texts()
    assert used, "nothing extracted from click: the keywords are wrong"
    assert used - catalogue.keys() == set(), "texts of the installed click missing in click.po"


def test_every_entry_is_written_reviewed_and_keeps_clicks_placeholders(catalogue):
    for msgid, message in catalogue.items():
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(text.strip() for text in texts) and not message.fuzzy, msgid
        if isinstance(msgid, tuple):  # one Vietnamese form for an English pair: click fills both pairs' values
            assert placeholders(*texts) <= placeholders(*msgid), msgid
        else:
            assert placeholders(*texts) == placeholders(msgid), msgid
