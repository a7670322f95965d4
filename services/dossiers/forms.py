"""A dossier's form checked against its procedure's JSON Schema, errors named by field path."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from services.errors import ValidationFailed
from services.messages import LazyText, lazy_text

# A JSON type the value is not -> what it should be.
TYPE_MESSAGES: dict[str, LazyText] = {
    "string": lazy_text("field.not_a_string"),
    "integer": lazy_text("field.not_an_integer"),
    "number": lazy_text("field.not_a_number"),
    "boolean": lazy_text("field.not_a_boolean"),
    "array": lazy_text("field.not_a_list"),
    "object": lazy_text("field.not_a_mapping"),
}
# A format the value does not have (a format not listed here is named as the schema names it).
FORMAT_MESSAGES: dict[str, LazyText] = {
    "date": lazy_text("field.not_a_date"),
    "date-time": lazy_text("field.not_a_datetime"),
    "uuid": lazy_text("field.not_a_uuid"),
    "email": lazy_text("dossier.form.not_an_email"),
}


def _path(parts: list[Any]) -> str:
    return ".".join(["form", *(str(p) for p in parts)])


# A broken rule of JSON Schema -> its catalogue text, filled with the rule's value.
TEXT_OF_RULE: dict[str, Callable[[Any], LazyText]] = {
    "type": lambda json_type: TYPE_MESSAGES.get(json_type, lazy_text("field.invalid_type"))
    if isinstance(json_type, str) else lazy_text("field.invalid_type"),
    "enum": lambda choices: lazy_text("field.one_of", choices=", ".join(str(choice) for choice in choices)),
    "minLength": lambda least: lazy_text("dossier.form.empty") if least == 1 else lazy_text("field.length.min", min=least),
    "maxLength": lambda most: lazy_text("field.length.max", max=most),
    "minItems": lambda least: lazy_text("dossier.form.no_items") if least == 1
    else lazy_text("dossier.form.min_items", least=least),
    "pattern": lambda _: lazy_text("field.pattern"),
    "minimum": lambda least: lazy_text("field.range.min", min=least),
    "maximum": lambda most: lazy_text("field.range.max", max=most),
    "exclusiveMinimum": lambda limit: lazy_text("dossier.form.above", limit=limit),
    "exclusiveMaximum": lambda limit: lazy_text("dossier.form.below", limit=limit),
    "format": lambda name: FORMAT_MESSAGES.get(name, lazy_text("dossier.form.format", format=name)),
}


def _message(error: ValidationError) -> LazyText:
    """The catalogue text of a broken rule; jsonschema's English never shows (an unlisted rule is named)."""
    text_of = TEXT_OF_RULE.get(error.validator)
    return text_of(error.validator_value) if text_of else lazy_text("dossier.form.invalid", rule=error.validator)


def _messages(error: ValidationError) -> list[tuple[str, LazyText]]:
    base = list(error.absolute_path)
    if error.validator == "required":
        return [(_path([*base, name]), lazy_text("field.required")) for name in error.validator_value
                if isinstance(error.instance, dict) and name not in error.instance]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        return [(_path([*base, name]), lazy_text("dossier.form.not_a_field")) for name in error.instance
                if name not in known]
    return [(_path(base), _message(error))]


def check_form(schema: dict[str, Any], form: Any) -> None:
    """Raise 422 listing every field of `form` that breaks `schema` (`form.a.b`: [messages])."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, list[LazyText]] = {}
    for error in validator.iter_errors(form):
        for path, message in _messages(error):
            errors.setdefault(path, []).append(message)
    if errors:
        raise ValidationFailed(lazy_text("dossiers.forms.form_does_match_procedure"), errors=errors,
                               code="invalid_form")
