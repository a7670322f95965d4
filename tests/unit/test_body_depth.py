"""Counting JSON nesting without parsing (and without recursion)."""
import json

import pytest

from api.body_depth import MAX_JSON_DEPTH, nesting_exceeds


@pytest.mark.parametrize("body, too_deep", [
    (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, False),
    (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), True),
    (b'{"a":' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1), True),
    (b"[" * 1_000_000, True),  # unbalanced: still no recursion, still refused
    (json.dumps({"x": "[[[[{{{{" * 100, "y": ["\\\"[[["] * 3}).encode(), False),  # brackets in strings
    (b'["unterminated [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', False),
    (b"[]" * 100_000, False),  # wide is fine
])
def test_nesting_is_counted_outside_strings(body, too_deep):
    assert nesting_exceeds(body) is too_deep
