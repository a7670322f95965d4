"""The one command group every CLI group is: a domain error ends the command with its message."""
from __future__ import annotations

import click

from services.errors import DomainError
from api.cli.language import operator_text
from services.messages import LazyText
from services.reference.file_import import RowRejected


def describe(error: DomainError) -> str:
    """The error's detail, then each field with its messages (a ValidationFailed's `errors`)."""
    fields = "; ".join(f"{name}: {' '.join(map(_operator_text, messages))}"
                       for name, messages in getattr(error, "errors", {}).items())
    return f"{_operator_text(error.detail)} {fields}".strip()


def _operator_text(text: str | LazyText) -> str:
    """A catalogue text in the operator's language; a plain text as it is."""
    return operator_text(text) if isinstance(text, LazyText) else text


class CommandGroup(click.Group):
    """A domain error (or a refused data file) raised by any command below becomes
    `Error: <message>` and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(describe(error)) from error
        except RowRejected as error:
            raise click.ClickException(operator_text(error.reason)) from error
