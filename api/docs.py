"""Swagger UI assets served from the installed package, so the docs work with no internet;
the docs page and its assets are sent with a Content-Security-Policy that no other site can
frame (`frame-ancestors 'none'`) and that runs only our own scripts and the page's one inline
script, allowed by its hash."""
from __future__ import annotations

import base64
import hashlib
import re

from flask import Blueprint, Response, request, send_from_directory
from swagger_ui_bundle import swagger_ui_path

docs_assets = Blueprint("docs_assets", __name__)
DOC_ENDPOINTS = ("api-docs.openapi_swagger_ui", "docs_assets.asset")
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
POLICY = ("default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


@docs_assets.get("/api/v1/docs/assets/<path:filename>")
def asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def _script_hashes(body: bytes) -> str:
    return "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
                   for script in INLINE_SCRIPT.findall(body))


@docs_assets.after_app_request
def _policy(response: Response) -> Response:
    if request.endpoint in DOC_ENDPOINTS:
        body = b"" if response.direct_passthrough else response.get_data()
        response.headers["Content-Security-Policy"] = POLICY.format(hashes=_script_hashes(body))
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response
