"""Running a file import from the command line: progress bar, bad rows listed, exit code."""
from __future__ import annotations

import os
import sys

import click
from tqdm import tqdm

from api.cli.language import operator_text
from api.runtime import runtime
from services.reference.file_import import ImportReport, RowRejected
from services.reference.file_kinds import import_file


def _count_lines(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def run_file_import(path: str, kind: str) -> ImportReport:
    """Import `path` as `kind` (services/reference/file_kinds.py) in one transaction; print each
    bad row; exit non-zero if any was bad."""
    if not os.path.exists(path):
        raise click.ClickException(operator_text("cli.imports.no_such_file", path=path))
    total = max(_count_lines(path) - 1, 0)
    with runtime().sessions() as session, session.begin():
        with tqdm(total=total, desc=kind, unit=operator_text("cli.imports.row_unit"), file=sys.stderr,
                  disable=not sys.stderr.isatty() and total < 10_000) as bar:
            try:
                report = import_file(session, path, kind, progress=bar.update)
            except RowRejected as exc:
                raise click.ClickException(f"{path}: {operator_text(exc.reason)}") from exc
    for error in report.errors:
        click.echo(f"{path}:{error.line}: {operator_text(error.reason)}", err=True)
    click.echo(operator_text("cli.imports.summary", kind=kind, loaded=report.loaded,
                             rejected=len(report.errors)))
    if report.errors:
        sys.exit(1)
    return report
