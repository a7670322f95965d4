"""Where a bulk import's time goes: wall seconds per step, summed over the whole run (issue 15.3).

The import adds to one `StepTimes` as it goes; the report carries it, so a benchmark reads the
split the import measured itself instead of guessing it from outside.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import TypeVar

Item = TypeVar("Item")


class StepTimes(dict[str, float]):
    """Step name -> seconds spent in it."""

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + perf_counter() - started

    def pulling(self, name: str, items: Iterable[Item]) -> Iterator[Item]:
        """`items`, with the time spent producing each (reading and parsing a line) counted as `name`."""
        source = iter(items)
        while True:
            started = perf_counter()
            try:
                item = next(source)
            except StopIteration:
                self[name] = self.get(name, 0.0) + perf_counter() - started
                return
            self[name] = self.get(name, 0.0) + perf_counter() - started
            yield item

    def rounded(self, digits: int = 3) -> dict[str, float]:
        return {name: round(seconds, digits) for name, seconds in self.items()}
