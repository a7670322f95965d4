"""The one command group every CLI group is: a domain error ends the command with its message."""
from __future__ import annotations

import click

from services.errors import DomainError
from services.reference.file_import import RowRejected


def describe(error: DomainError) -> str:
    """The error's detail, then each field with its messages (a ValidationFailed's `errors`)."""
    fields = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in getattr(error, "errors", {}).items())
    return f"{error.detail} {fields}".strip()


class CommandGroup(click.Group):
    """A domain error (or a refused data file) raised by any command below becomes
    `Error: <message>` and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(describe(error)) from error
        except RowRejected as error:
            raise click.ClickException(str(error)) from error
