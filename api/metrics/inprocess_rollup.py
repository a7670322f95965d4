"""The rollup inside the serving process, for the in-process store (REDIS_URL unset).

The in-process store lives in the process that serves requests, so `flask metrics rollup`,
run as another process, finds an empty store and can never see the server's counters.
In that mode the serving process folds its own counters every
METRICS_ROLLUP_INTERVAL_SECONDS, in a daemon thread started by its first request (a CLI
command, which serves none, never starts it). With Redis, run `metrics rollup --loop`.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from services.metrics.periods import local_today
from services.metrics.rollup import roll_up

log = logging.getLogger(__name__)


class InProcessRollup:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def start(self) -> None:
        """before_request: the first request of the process starts the thread."""
        if self._thread is not None:
            return
        with self._starting:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="metrics-rollup", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self.stopped.wait(self.app.extensions["runtime"].settings.metrics_rollup_interval_seconds):
            self.fold()

    def fold(self) -> None:
        rt = self.app.extensions["runtime"]
        try:
            with rt.sessions() as session, session.begin():
                report = roll_up(session, rt.kv, local_today(), rt.settings.metrics_redis_retention_days)
        except Exception:  # the next interval tries again; the counters stay in the store
            log.exception("in-process metrics rollup failed")
            return
        log.info("in-process metrics rollup: %d daily and %d monthly rows",
                 report.daily_rows, report.monthly_rows)


def init_app(app: Flask) -> None:
    """Folds in this process only with the in-process store and outside test suites."""
    if app.extensions["runtime"].settings.redis_url or app.testing:
        return
    rollup = InProcessRollup(app)
    app.extensions["metrics_rollup"] = rollup
    app.before_request(rollup.start)
