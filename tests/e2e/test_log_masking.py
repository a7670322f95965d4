"""Every log line the project prints masks 12-digit numbers, the development server's access
lines (werkzeug, as `make run` prints them) included (issue 12, point 3)."""
import io
import logging
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

from werkzeug.serving import make_server

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
