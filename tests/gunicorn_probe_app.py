"""A WSGI app for checking what gunicorn itself logs (tests/e2e/test_log_masking.py): it answers
404 to every path, and fails on /fail/... so that gunicorn's error log names the path."""


def app(environ, start_response):
    if environ["PATH_INFO"].startswith("/fail/"):
        raise RuntimeError("failed on purpose")
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not here"]
