"""Helpers of the catalogue tests: the ids the code uses (extracted as `make i18n` does) and the
placeholders of a catalogue entry."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def makefile_keywords() -> dict:
    """The extraction keywords as the Makefile gives them to pybabel (one list, kept there)."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines()
                if line.startswith("I18N_KEYWORDS"))
    words = shlex.split(line.partition(":=")[2])
    return parse_keywords([word for word in words if word != "-k"])


def extracted_ids() -> set[str | tuple[str, ...]]:
    """Every message id the code and templates pass to the catalogue, as `make i18n` finds them."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids: set[str | tuple[str, ...]] = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map,
                                                 keywords={**DEFAULT_KEYWORDS, **makefile_keywords()}):
        ids.add(message)
    return ids


def placeholders(msgstr: str | tuple[str, ...]) -> set[str]:
    texts = msgstr if isinstance(msgstr, (tuple, list)) else (msgstr,)
    return {name for text in texts for name in PLACEHOLDER.findall(text)}
