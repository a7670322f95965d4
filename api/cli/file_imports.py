"""Running a file import from the command line: progress bar, bad rows listed, exit code."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any

import click
from tqdm import tqdm

from api.runtime import runtime
from services.reference.file_import import ImportReport, LoadBatch, ParseRow, RowRejected, run_import


def _count_lines(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def run_file_import(path: str, label: str, read_rows: Callable[[IO[str]], Iterable[tuple[int, Any]]],
                    make_parser: Callable[[Any], ParseRow], load: LoadBatch) -> ImportReport:
    """Import `path` in one transaction; print each bad row; exit non-zero if any was bad.

    `make_parser` receives the open database session (to read catalogues rows refer to).
    """
    if not os.path.exists(path):
        raise click.ClickException(f"{path}: no such file")
    total = max(_count_lines(path) - 1, 0)
    with runtime().sessions() as session, session.begin():
        with open(path, encoding="utf-8-sig", newline="") as stream, \
                tqdm(total=total, desc=label, unit="row", file=sys.stderr,
                     disable=not sys.stderr.isatty() and total < 10_000) as bar:
            try:
                report = run_import(session, read_rows(stream), make_parser(session), load,
                                    progress=bar.update)
            except RowRejected as exc:
                raise click.ClickException(f"{path}: {exc}") from exc
    for error in report.errors:
        click.echo(f"{path}:{error.line}: {error.reason}", err=True)
    click.echo(f"{label}: {report.loaded} loaded, {len(report.errors)} rejected")
    if report.errors:
        sys.exit(1)
    return report
