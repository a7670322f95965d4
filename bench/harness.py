"""Running gunicorn on loopback and measuring it with wrk (Debian package `wrk`)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from typing import Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# An app worker's start (imports, keys, the development CA) takes 10 s of CPU; on a shared
# 2-core machine that was 35 s of wall time.
START_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int = 2, root: str = ROOT) -> Iterator[str]:
    """Serve `app` from the checkout at `root` on a free loopback port; yields the base URL."""
    port = free_port()
    errors = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--access-logfile", "-", "--access-logformat", "", app],
        cwd=root, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=errors,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers (a bare app has no /healthz)
            except OSError:
                time.sleep(0.2)
        else:
            errors.seek(0)
            raise RuntimeError(f"gunicorn {app} did not start: {errors.read()[-2000:]}")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        errors.close()


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * _UNIT[unit], 3)


def wrk(url: str, *, seconds: int, connections: int, threads: int = 2,
        headers: dict[str, str] | None = None, script: str | None = None) -> dict[str, float]:
    """Requests/s and latency percentiles of `url` under `connections` keep-alive clients.

    `script` is a wrk Lua file that builds the requests (e.g. rotating tokens).
    """
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    report = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        report[f"p{percentile}_ms"] = _ms(re.search(rf"\s{percentile}%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    report["non_2xx"] = int(errors.group(1)) if errors else 0
    return report
