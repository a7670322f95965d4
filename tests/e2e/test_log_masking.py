"""Every log line the project prints masks 12-digit numbers, the development server's access
lines (werkzeug, as `make run` prints them) and gunicorn's access and error logs (the
production server, with the project's gunicorn.conf.py) included (issue 12, point 3)."""
import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from werkzeug.serving import make_server

from tests.faults_support import ROOT, free_port

PATIENT, CHILD = "001087200023", "001215006789"


@contextmanager
def printed_log():
    """What the project's log handler writes while the block runs."""
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_ihanoi", False))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_the_development_servers_access_lines_mask_id_numbers(base_app):
    server = make_server("127.0.0.1", 0, base_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1"
    try:
        with printed_log() as log:
            for path in (f"/providers/patients/{PATIENT}/records", f"/me/health/summary?subject={CHILD}"):
                try:
                    urllib.request.urlopen(base + path, timeout=10)
                except urllib.error.HTTPError as refused:
                    assert refused.code in (401, 405)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    printed = log.getvalue()
    assert f"/providers/patients/********{PATIENT[-4:]}/records" in printed, printed
    assert f"subject=********{CHILD[-4:]}" in printed, printed
    assert PATIENT not in printed and CHILD not in printed


def test_the_projects_own_loggers_mask_id_numbers_in_messages_arguments_and_tracebacks():
    with printed_log() as log:
        logging.getLogger("sms").warning("texted %s about %s", PATIENT, "a 13-digit 1234567890123 stays")
        logging.getLogger("api.problems").error(f"lookup of {CHILD} failed")
        try:
            raise ValueError(f"no resident {PATIENT}")
        except ValueError:
            logging.getLogger("services.identity").exception("unexpected")
    printed = log.getvalue()
    assert PATIENT not in printed and CHILD not in printed, printed
    assert printed.count(f"********{PATIENT[-4:]}") == 2 and f"********{CHILD[-4:]}" in printed
    assert "1234567890123" in printed  # not an ID number: 13 digits
    assert "Traceback" in printed


def _served_by_gunicorn(port: int, access_log, error_log) -> subprocess.Popen:
    """gunicorn as the README's production recipe runs it (from the repository root, so with
    its gunicorn.conf.py), with the access log an operator may turn on."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--error-logfile", str(error_log),
         "--no-control-socket",  # gunicorn's default control socket is one per machine user
         "--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" %(U)s %(q)s subject=%({x-subject}i)s',
         "tests.gunicorn_probe_app:app"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _get(url: str, headers: dict[str, str]) -> int:
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10).status
    except urllib.error.HTTPError as answered:
        return answered.code


def test_gunicorns_access_and_error_logs_mask_id_numbers(tmp_path):
    port, access_log, error_log = free_port(), tmp_path / "access.log", tmp_path / "error.log"
    server = _served_by_gunicorn(port, access_log, error_log)
    base = f"http://127.0.0.1:{port}"
    headers = {"X-Subject": CHILD, "Referer": f"https://app.example/patients/{PATIENT}", "User-Agent": f"probe {CHILD}"}
    try:
        deadline = time.monotonic() + 120
        while _alive(base) is False:
            assert server.poll() is None and time.monotonic() < deadline, error_log.read_text()
            time.sleep(0.2)
        assert _get(f"{base}/api/v1/providers/patients/{PATIENT}/records?subject={CHILD}", headers) == 404
        assert _get(f"{base}/fail/{PATIENT}", headers) == 500
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    access, errors = access_log.read_text(), error_log.read_text()
    assert f"/api/v1/providers/patients/********{PATIENT[-4:]}/records?subject=********{CHILD[-4:]}" in access, access
    assert f"subject=********{CHILD[-4:]}" in access and f"/patients/********{PATIENT[-4:]}" in access
    assert "Error handling request" in errors and f"/fail/********{PATIENT[-4:]}" in errors, errors
    assert "failed on purpose" in errors  # the traceback is kept, masked
    for printed in (access, errors):
        assert PATIENT not in printed and CHILD not in printed, printed


def _alive(base: str) -> bool:
    try:
        _get(base + "/", {})
        return True
    except OSError:
        return False
