"""An open-loop HTTP load generator on asyncio: requests start on a fixed schedule (`rate` per
second), at most `clients` in flight, and each latency counts from the moment the request was
due, so a slow server cannot hide its queue (no coordinated omission). One connection per
request, as gunicorn's sync workers close the connection after each answer anyway.

Why not wrk: one wrk run reports one latency histogram for all its requests and has no fixed
arrival rate (wrk2 is not packaged for Debian); a mix of endpoints needs a p99 per endpoint.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10


@dataclass
class Call:
    """One request to make; `done(status, body)` is told the answer (None: no answer)."""

    endpoint: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json_body: object | None = None
    done: Callable[[int | None, bytes], None] | None = None


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[tuple[str, int | None], int] = field(default_factory=lambda: defaultdict(int))  # None: no answer
    error_samples: list[str] = field(default_factory=list)
    started: int = 0
    seconds: float = 0.0

    def record(self, endpoint: str, seconds: float, error: str | None, status: int | None = None) -> None:
        self.latencies[endpoint].append(seconds)
        self.statuses[(endpoint, status)] += 1
        if error:
            self.errors[endpoint] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{endpoint}: {error}")


def _request_bytes(host: str, call: Call) -> bytes:
    body = json.dumps(call.json_body).encode() if call.json_body is not None else b""
    headers = {"Host": host, "Connection": "close", "Accept": "application/json", **call.headers}
    if call.json_body is not None:
        headers.update({"Content-Type": "application/json", "Content-Length": str(len(body))})
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"{call.method} {call.path} HTTP/1.1\r\n{head}\r\n".encode() + body


async def send(host: str, port: int, call: Call) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(_request_bytes(f"{host}:{port}", call))
        await writer.drain()
        raw = await reader.read()          # until the server closes
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head[9:12]), body


async def _one(base: tuple[str, int], call: Call, due: float, gate: asyncio.Semaphore, result: Result) -> None:
    async with gate:
        error, status, body = None, None, b""
        try:
            status, body = await asyncio.wait_for(send(*base, call), TIMEOUT_SECONDS)
            if status >= 400:
                error = f"{status} {body[:200].decode(errors='replace')}"
        except (OSError, asyncio.TimeoutError, ValueError) as exc:
            error = repr(exc)
    result.record(call.endpoint, time.perf_counter() - due, error, status)
    if call.done:
        call.done(status, body)


async def _drive(url: str, rate: float, seconds: float, clients: int, next_call: Callable[[], Call]) -> Result:
    parts = urlsplit(url)
    base, gate, result, tasks = (parts.hostname, parts.port), asyncio.Semaphore(clients), Result(), []
    start = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(base, next_call(), due, gate, result)))
    await asyncio.gather(*tasks)
    result.started, result.seconds = total, time.perf_counter() - start
    return result


def drive(url: str, *, rate: float, seconds: float, clients: int, next_call: Callable[[], Call]) -> Result:
    return asyncio.run(_drive(url, rate, seconds, clients, next_call))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {}
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "max_ms": round(ordered[-1] * 1000, 1), "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


def report(result: Result, rate: float, citizen_reads: tuple[str, ...]) -> dict:
    done = sum(len(v) for v in result.latencies.values())
    errors = sum(result.errors.values())
    reads = [s for name in citizen_reads for s in result.latencies.get(name, [])]
    return {
        "target_rate": rate, "seconds": round(result.seconds, 1), "requests": done,
        "throughput_rps": round(done / result.seconds, 1), "errors": errors,
        "citizen_reads": percentiles(reads),
        "endpoints": {name: {"requests": len(samples), "errors": result.errors.get(name, 0), **percentiles(samples)}
                      for name, samples in sorted(result.latencies.items())},
        "error_samples": result.error_samples,
        "statuses": dict(result.statuses),  # (endpoint, status) -> answers; status None: no answer
    }
