"""Requests flowing while something breaks: client threads, every answer recorded.

Each thread repeats one operation (a function of a `Client`) until the traffic stops, the
deadline passes or the operation says it has nothing left to do. An answer that never
came (connection reset, refused, timed out) is recorded with status 0.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

REQUEST_TIMEOUT = 15
RETRY_PAUSE = 0.2


@dataclass
class Answer:
    operation: str
    started: float          # time.monotonic() when sent
    ended: float
    status: int             # 0: no answer at all
    content_type: str
    body: Any
    ref: dict[str, Any] = field(default_factory=dict)   # what the request meant

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Client:
    def __init__(self, base: str, traffic: "Traffic") -> None:
        self.base = base
        self.http = requests.Session()
        self.traffic = traffic

    def call(self, operation: str, method: str, path: str, ref: dict[str, Any] | None = None,
             **kwargs: Any) -> Answer:
        started = time.monotonic()
        try:
            response = self.http.request(method, self.base + path, timeout=REQUEST_TIMEOUT, **kwargs)
            content_type = response.headers.get("Content-Type", "")
            body = response.json() if "json" in content_type else response.content[:500]
            status = response.status_code
        except requests.RequestException as exc:
            self.http = requests.Session()  # a dropped connection: start afresh
            status, content_type, body = 0, "", repr(exc)
        answer = Answer(operation, started, time.monotonic(), status, content_type, body, ref or {})
        self.traffic.record(answer)
        return answer

    def until_answered(self, operation: str, method: str, path: str, ref: dict[str, Any] | None = None,
                       **kwargs: Any) -> Answer | None:
        """Retry while the service is unavailable (503 or no answer), as a phone would."""
        while self.traffic.running():
            answer = self.call(operation, method, path, ref, **kwargs)
            if answer.status not in (0, 503):
                return answer
            time.sleep(RETRY_PAUSE)
        return None


Operation = Callable[[Client], bool | None]   # False: nothing left to do


class Traffic:
    def __init__(self, base: str, max_seconds: float = 120) -> None:
        self.base = base
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + max_seconds
        self._threads: list[threading.Thread] = []
        self.failures: list[BaseException] = []

    def running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def record(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def add(self, operation: Operation, threads: int = 1) -> "Traffic":
        for _ in range(threads):
            self._threads.append(threading.Thread(target=self._loop, args=(operation,), daemon=True))
        return self

    def _loop(self, operation: Operation) -> None:
        client = Client(self.base, self)
        try:
            while self.running():
                if operation(client) is False:
                    return
        except BaseException as exc:  # surfaced by stop(), never lost in a thread
            self.failures.append(exc)

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(t.is_alive() for t in self._threads), "a client thread did not finish"
        assert not self.failures, f"a client thread failed: {self.failures[0]!r}"

    def of(self, operation: str, since: float = 0.0, until: float = float("inf")) -> list[Answer]:
        """Answers of `operation` sent at or after `since` and answered by `until`."""
        with self._lock:
            return [a for a in self.answers
                    if a.operation == operation and a.started >= since and a.ended <= until]

    def wait_for_success(self, operations: list[str], seconds: float, since: float = 0.0) -> None:
        """Until every operation has had a 2xx answer sent after `since`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(any(a.ok for a in self.of(name, since)) for name in operations):
                return
            time.sleep(0.1)
        missing = [name for name in operations if not any(a.ok for a in self.of(name, since))]
        sample = {name: [(a.status, a.body) for a in self.of(name, since)[-3:]] for name in missing}
        raise AssertionError(f"no successful answer within {seconds} s for {missing}: {sample}")
