"""A WSGI app served by werkzeug on 127.0.0.1 in a background thread."""
from __future__ import annotations

import threading
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """No access log: request lines carry ID numbers (login_hint) that belong in no log."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LoopbackServer:
    """Serves `app` on 127.0.0.1 (`port=0`: a free port) until `stop()`.

    The port is kept across `stop()` and `start()`: a stopped server refuses connections at the
    same base URL, and a restarted one answers there again."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self._app = app
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if not self._port:
            raise RuntimeError("the server was never started")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> "LoopbackServer":
        if self._server is None:
            self._server = make_server("127.0.0.1", self._port, self._app, threaded=True,
                                       request_handler=_QuietHandler)
            self._port = self._server.server_port
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                            name=f"loopback-{self._server.server_port}")
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> "LoopbackServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServedOnLoopback:
    """A development server's lifecycle: `start()`, `stop()`, `base_url` and `with`, for a class
    whose `__init__` sets `self._server = LoopbackServer(its_wsgi_app, port)`."""

    _server: LoopbackServer

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
