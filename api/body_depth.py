"""JSON request bodies nested deeper than any operation needs are refused before parsing:
json.loads recurses once per level and a few thousand levels end in RecursionError."""
from __future__ import annotations

import re

from flask import request

from services.errors import BadRequest
from services.messages import lazy_text

MAX_JSON_DEPTH = 32  # the deepest documented body (a dossier form, a FHIR-like batch) is under 10
# A string (escapes included; an unterminated one runs to the end) or one bracket.
_STRING_OR_BRACKET = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[{\]}]', re.DOTALL)
_OPENERS = frozenset(b"[{")


def nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when `body` opens more than `limit` arrays/objects at once (brackets inside
    strings do not count). One pass over the bytes, no recursion."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(body):
        token = match.group()
        if token[0] in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif token[0] != ord('"'):
            depth -= 1
    return False


def reject_deep_json() -> None:
    """before_request: 400 body_too_deep for a JSON body nested deeper than MAX_JSON_DEPTH."""
    if request.is_json and nesting_exceeds(request.get_data(cache=True)):
        raise BadRequest(lazy_text("body_depth.json_body_nested_deeper", max_json_depth=MAX_JSON_DEPTH),
                         code="body_too_deep")
