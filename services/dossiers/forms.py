"""A dossier's form checked against its procedure's JSON Schema, errors named by field path."""
from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from services.errors import ValidationFailed
from services.messages import lazy_text


def _path(parts: list[Any]) -> str:
    return ".".join(["form", *(str(p) for p in parts)])


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    base = list(error.absolute_path)
    if error.validator == "required":
        return [(_path([*base, name]), "Required.") for name in error.validator_value
                if isinstance(error.instance, dict) and name not in error.instance]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        return [(_path([*base, name]), "Not a field of this form.") for name in error.instance
                if name not in known]
    return [(_path(base), error.message)]


def check_form(schema: dict[str, Any], form: Any) -> None:
    """Raise 422 listing every field of `form` that breaks `schema` (`form.a.b`: [messages])."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(form):
        for path, message in _messages(error):
            errors.setdefault(path, []).append(message)
    if errors:
        raise ValidationFailed(lazy_text("dossiers.forms.form_does_match_procedure"), errors=errors,
                               code="invalid_form")
