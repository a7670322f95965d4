"""gunicorn's own log lines with 12-digit numbers masked, as the app's are (api/request_log.py).

The project's gunicorn configuration (gunicorn.conf.py) names MaskingLogger: the access log an
operator turns on with `--access-logfile` (request line, path, query, referer and any header a
custom `--access-logformat` prints) and gunicorn's error log (which names the path of a request
that failed) show an ID number by its last four digits only.
"""
from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from api.request_log import MASK, masked_path


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict[str, Any]:
        """Every text an access line can print, masked before the format picks from it."""
        return {name: masked_path(value) if isinstance(value, str) else value
                for name, value in super().atoms(resp, req, environ, request_time).items()}

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):  # also lines written without atoms
            if MASK not in log.filters:
                log.addFilter(MASK)
