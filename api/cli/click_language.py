"""Click's own texts ("Usage:", "Options", "Error: No such option ...") in the operator's language.

Click marks them with the standard library's gettext (`from gettext import gettext as _` in
click/core.py and beside it), which looks a text up in the process's current text domain, in
the first language of LANGUAGE, LC_ALL, LC_MESSAGES or LANG that has a catalogue. So when the
`flask` command loads the app, the operator's language (api/cli/language.py) is bound the way
gettext expects it, and click is left as it is:
- click's Vietnamese catalogue, services/messages/locale/vi/LC_MESSAGES/click.po (kept beside
  ours, ids are click's English texts), is compiled at start into a private temporary directory
  (removed at exit), bound to the domain "click", and that domain becomes the current one;
- LANGUAGE, which gettext reads first, is set to the operator's language: a "C" or unset locale,
  which gettext would take for English, then gives Vietnamese as every other line of the CLI
  does, and "en_US.UTF-8" finds no catalogue and keeps click's English. Programs a command
  starts inherit it, so they speak the operator's language too.
This happens only under the `flask` command (a click context is active while it loads the app):
a server started by gunicorn, or a test process, keeps the standard library's state as it was.
`flask --help` itself prints its "Usage:" before it loads the app, so that line stays English.
"""
from __future__ import annotations

import atexit
import functools
import gettext
import os
import shutil
import tempfile
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from api.cli.language import operator_language
from services.messages.catalogue import LOCALE_DIR

CLICK_DOMAIN = "click"
CLICK_CATALOGUE = LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{CLICK_DOMAIN}.po"


def speak_the_operators_language_in_click() -> None:
    """Bind click's catalogue and the operator's language for gettext, when `flask` runs a command."""
    if click.get_current_context(silent=True) is None:
        return
    os.environ["LANGUAGE"] = operator_language()
    gettext.bindtextdomain(CLICK_DOMAIN, str(compiled_click_catalogue()))
    gettext.textdomain(CLICK_DOMAIN)


@functools.cache
def compiled_click_catalogue() -> Path:
    """A private directory holding vi/LC_MESSAGES/click.mo compiled from the `.po` file."""
    directory = Path(tempfile.mkdtemp(prefix="ihanoi-click-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    compiled = directory / "vi" / "LC_MESSAGES" / f"{CLICK_DOMAIN}.mo"
    compiled.parent.mkdir(parents=True)
    with CLICK_CATALOGUE.open("rb") as po, compiled.open("wb") as mo:
        write_mo(mo, read_po(po, locale="vi", domain=CLICK_DOMAIN), use_fuzzy=False)
    return directory
