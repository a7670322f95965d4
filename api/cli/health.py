"""`facilities import FILE` and `health import FILE`."""
from __future__ import annotations

import os
import sys

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from api.cli.file_imports import run_file_import
from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.runtime import runtime
from services.health import summaries
from services.health.bulk_import import HealthImport
from services.reference.file_import import numbered_ndjson_rows

facilities = CommandGroup("facilities", help=operator_text("cli.help.facilities"))
health = CommandGroup("health", help=operator_text("cli.help.health"))


@facilities.command("import", help=operator_text("cli.help.facilities.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_facilities(path: str) -> None:
    run_file_import(path, "facilities")


def _count_lines(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


@health.command("import", help=operator_text("cli.help.health.import"))
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_records(path: str) -> None:
    if not os.path.exists(path):
        raise click.ClickException(operator_text("cli.imports.no_such_file", path=path))
    total = _count_lines(path)
    with runtime().sessions() as session, open(path, encoding="utf-8-sig") as stream, \
            tqdm(total=total, desc=operator_text("cli.health.records"), unit=operator_text("cli.imports.line_unit"),
                 file=sys.stderr, disable=not sys.stderr.isatty() and total < 10_000) as bar:
        report = HealthImport(session, commit=session.commit, progress=bar.update).run(numbered_ndjson_rows(stream))
    for error in report.errors:
        click.echo(f"{path}:{error.line}: {operator_text(error.reason)}", err=True)
    created = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
    click.echo(operator_text("cli.health.import_summary", loaded=report.loaded, created=created,
                             duplicates=report.skipped_duplicates, rejected=len(report.errors)))
    if report.errors:
        sys.exit(1)


@health.command("summaries", help=operator_text("cli.help.health.summaries"))
@with_appcontext
def build_summaries() -> None:
    with runtime().sessions() as session:
        missing = summaries.records_without_summary(session)
        with tqdm(total=len(missing), desc=operator_text("cli.health.summaries"), file=sys.stderr,
                  unit=operator_text("cli.health.record_unit"), disable=not sys.stderr.isatty()) as bar:
            summaries.build_missing(session, missing, commit=session.commit, progress=bar.update)
    click.echo(operator_text("cli.health.summaries_built", count=len(missing)))
