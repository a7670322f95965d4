"""The one clock of the process, in UTC. Tests freeze or move it; nothing else reads the time.

Code reaches it as `ctx.clock` (services with a Context), `runtime().clock` (the HTTP layer)
or, in the few pure helpers that take no Context, as `from services.clock import clock`:
all three are the same object, so one `clock.freeze(moment)` holds for every timestamp.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone


class Clock:
    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._offset = timedelta()

    def now(self) -> datetime:
        """The current time (aware, UTC), or the frozen one."""
        return (self._frozen or datetime.now(timezone.utc)) + self._offset

    def freeze(self, moment: datetime) -> None:
        """Stop the clock at `moment` until thaw()."""
        self._frozen, self._offset = moment, timedelta()

    def move(self, delta: timedelta | None = None, **parts: float) -> None:
        """Move the clock (frozen or running) by `delta`, or by timedelta(**parts)."""
        self._offset += delta if delta is not None else timedelta(**parts)

    def thaw(self) -> None:
        """Back to the wall clock."""
        self._frozen, self._offset = None, timedelta()

    @contextmanager
    def frozen_at(self, moment: datetime) -> Iterator[None]:
        """Frozen at `moment` inside the block; as it was before afterwards."""
        saved = self._frozen, self._offset
        self.freeze(moment)
        try:
            yield
        finally:
            self._frozen, self._offset = saved


clock = Clock()
