"""`metrics rollup [--loop --interval S]`, `metrics snapshot [--date D | --year Y]` and
`metrics export --period P --out FILE`."""
from __future__ import annotations

import logging
import sys
import time
from datetime import datetime, timedelta

import click
import redis
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.context import context_of
from api.runtime import runtime
from services.metrics import analyst, snapshots
from services.metrics.export import indicators_csv
from services.metrics.periods import local_today
from services.metrics.rollup import roll_up
from services.metrics.units import LEVELS

log = logging.getLogger(__name__)
metrics = CommandGroup("metrics", help=operator_text("cli.help.metrics"))


def _roll_up_once() -> None:
    rt = runtime()
    started = time.perf_counter()
    with rt.sessions() as session, session.begin():
        report = roll_up(session, rt.kv, local_today(), rt.settings.metrics_redis_retention_days)
    click.echo(operator_text("cli.metrics.rolled_up", daily=report.daily_rows, monthly=report.monthly_rows,
                             days=report.days, seconds=round(time.perf_counter() - started, 2)))


@metrics.command("rollup", help=operator_text("cli.help.metrics.rollup"))
@click.option("--loop", is_flag=True, help=operator_text("cli.help.metrics.rollup.loop"))
@click.option("--interval", type=click.IntRange(min=5), default=None,
              help=operator_text("cli.help.metrics.rollup.interval"))
@with_appcontext
def rollup(loop: bool, interval: int | None) -> None:
    settings = runtime().settings
    interval = interval or settings.metrics_rollup_interval_seconds
    if not settings.redis_url:
        click.echo(operator_text("cli.metrics.no_redis_url", seconds=settings.metrics_rollup_interval_seconds),
                   err=True)
    while True:
        try:
            _roll_up_once()
        except redis.RedisError as exc:
            if not loop:
                raise click.ClickException(operator_text("cli.metrics.redis_down", error=exc)) from exc
            log.warning("rollup skipped, Redis does not answer: %s", exc.__class__.__name__)
        if not loop:
            return
        time.sleep(interval)


@metrics.command("snapshot", help=operator_text("cli.help.metrics.snapshot"))
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help=operator_text("cli.help.metrics.snapshot.date"))
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help=operator_text("cli.help.metrics.snapshot.year"))
@with_appcontext
def snapshot(day: datetime | None, year: int | None) -> None:
    if day and year:
        raise click.UsageError(operator_text("cli.metrics.date_or_year"))
    rt, today = runtime(), local_today()
    days = snapshots.month_ends(year, today) if year else [day.date() if day else today - timedelta(days=1)]
    taken = []
    with click.progressbar(days, label=operator_text("cli.metrics.snapshot_label"), file=sys.stderr) as bar:
        for each in bar:
            with rt.sessions() as session, session.begin():
                taken.append(snapshots.take(session, rt.kv, each, today))
    for report in taken:
        taken_on = report.day.isoformat()  # as --date takes it
        click.echo(operator_text("cli.metrics.snapshot_taken", day=taken_on, rows=report.rows) if report.rows
                   else operator_text("cli.metrics.snapshot_already_taken", day=taken_on))


@metrics.command("export", help=operator_text("cli.help.metrics.export"))
@click.option("--period", required=True, help=operator_text("cli.help.metrics.export.period"))
@click.option("--level", type=click.Choice(LEVELS), default="district", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export(period: str, level: str, out: str) -> None:
    rt = runtime()
    with rt.sessions() as session:
        values = analyst.city_table(context_of(rt, session), period, level)
    with open(out, "wb") as stream:
        stream.write(indicators_csv(values))
    click.echo(operator_text("cli.metrics.exported", path=out, rows=len(values)))
