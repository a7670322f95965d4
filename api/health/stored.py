"""Bodies that are already in their JSON form (a stored summary, a FHIR bundle), sent as they
are: no schema pass, the schema of the route only documents them."""
from __future__ import annotations

import json
from typing import Any

from flask import Response


def json_response(body: dict[str, Any], mimetype: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype=mimetype)
