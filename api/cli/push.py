"""`notifications deliver [--loop]`: the push worker."""
from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext

from api.cli.group import CommandGroup
from api.cli.language import operator_text
from api.runtime import runtime
from services.notifications.delivery import DeliveryReport, deliver_due

log = logging.getLogger(__name__)

notifications = CommandGroup("notifications", help=operator_text("cli.help.notifications"))


def deliver_all_due(batch: int) -> DeliveryReport:
    """Work through every entry due now, one committed batch at a time."""
    rt, total = runtime(), DeliveryReport()
    while True:
        with rt.sessions() as session, session.begin():
            report = deliver_due(session, rt.push, rt.clock.now(), limit=batch)
        for name, value in vars(report).items():
            setattr(total, name, getattr(total, name) + value)
        if report.claimed < batch:
            return total


@notifications.command("deliver", help=operator_text("cli.help.notifications.deliver"))
@click.option("--loop", is_flag=True, help=operator_text("cli.help.notifications.deliver.loop"))
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1))
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 1000))
@with_appcontext
def deliver(loop: bool, interval: float, batch: int) -> None:
    while True:
        report = deliver_all_due(batch)
        if report.claimed or not loop:
            click.echo(" ".join(f"{k}={v}" for k, v in vars(report).items()))
        if not loop:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return
