"""marshmallow's per-field messages, written in the request's language (issue 17).

The argument parser (webargs, marshmallow) writes its messages in English with the values
filled in. This table pairs each message marshmallow writes with the catalogue text that says
it (and each message a schema of this project gives a validator); `field_message` matches a
message against it and fills the catalogue text with the same values. A message the table does
not know is shown as it is.
"""
from __future__ import annotations

import re

from services.messages import LazyText, lazy_text, translate

# marshmallow's message, with its placeholders as {name} -> the catalogue text.
MARSHMALLOW_MESSAGES: dict[str, LazyText] = {
    "Missing data for required field.": lazy_text("field.required"),
    "Field may not be null.": lazy_text("field.null"),
    "Unknown field.": lazy_text("field.unknown"),
    "Invalid value.": lazy_text("field.invalid"),
    "Invalid type.": lazy_text("field.invalid_type"),
    "Invalid input type.": lazy_text("field.invalid_type"),
    "Not a valid string.": lazy_text("field.not_a_string"),
    "Not a valid integer.": lazy_text("field.not_an_integer"),
    "Not a valid number.": lazy_text("field.not_a_number"),
    "Not a valid boolean.": lazy_text("field.not_a_boolean"),
    "Not a valid date.": lazy_text("field.not_a_date"),
    "Not a valid datetime.": lazy_text("field.not_a_datetime"),
    "Not a valid UUID.": lazy_text("field.not_a_uuid"),
    "Not a valid list.": lazy_text("field.not_a_list"),
    "Not a valid mapping type.": lazy_text("field.not_a_mapping"),
    "Must be one of: {choices}.": lazy_text("field.one_of"),
    "Shorter than minimum length {min}.": lazy_text("field.length.min"),
    "Longer than maximum length {max}.": lazy_text("field.length.max"),
    "Length must be between {min} and {max}.": lazy_text("field.length.between"),
    "Length must be {equal}.": lazy_text("field.length.equal"),
    "Must be greater than or equal to {min}.": lazy_text("field.range.min"),
    "Must be less than or equal to {max}.": lazy_text("field.range.max"),
    "Must be greater than or equal to {min} and less than or equal to {max}.": lazy_text("field.range.between"),
    "String does not match expected pattern.": lazy_text("field.pattern"),
    # the messages this project's schemas give their validators
    "12 digits.": lazy_text("field.twelve_digits"),
    "Four digits.": lazy_text("field.four_digits"),
}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, ...
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)"
                              for index, part in enumerate(parts)) + r"\Z")


PATTERNS = [(_pattern(template), text) for template, text in MARSHMALLOW_MESSAGES.items()]


def field_message(language: str, message: str) -> str:
    """`message` in `language` if it is one of marshmallow's, else as it is."""
    for pattern, text in PATTERNS:
        found = pattern.match(message)
        if found:
            return translate(language, text, **found.groupdict())
    return message
