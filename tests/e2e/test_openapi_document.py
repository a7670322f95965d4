"""The served OpenAPI document agrees with docs/api.md, and types every date and time."""
from __future__ import annotations

import re
from pathlib import Path

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BASE = "/api/v1"
METHODS = {"get", "post", "put", "patch", "delete"}
# A route table's first header cell; other tables (pages, CLI) are not operations.
ROUTE_TABLE = "method and path"
# A date or time by its name: created_at, appointment_date, date_of_birth, valid_from, ...
DATE_NAME = re.compile(r"(_at|_date|_on|_by|_from|_to|_until)$|^(at|date|start|end|date_of_birth)$")
DATE_FORMATS = {"date", "date-time"}


def _served_routes(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), _normalised(path))
            for path, operations in document["paths"].items()
            for method in operations if method in METHODS}


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _documented_routes(text: str) -> set[tuple[str, str]]:
    """(METHOD, path) from every route table: `GET, PUT /x` and `GET /a, POST /b` cells alike."""
    routes, in_table = set(), False
    for line in text.splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cell = line.split("|")[1].strip()
        if cell.lower() == ROUTE_TABLE:
            in_table = True
        elif in_table and not cell.startswith("---"):
            routes |= _routes_in_cell(cell)
    return routes


def _routes_in_cell(cell: str) -> set[tuple[str, str]]:
    found, methods = set(), []
    for token in re.findall(r"[A-Z]{3,6}\b|`[^`]+`", cell):
        if not token.startswith("`"):
            methods.append(token)
            continue
        path = token.strip("`")
        full = path if "(no base path)" in cell or not path.startswith("/") else BASE + path
        found |= {(method, _normalised(full)) for method in methods}
        methods = []
    return found


def test_every_served_route_is_in_the_contract_and_back(client):
    served = _served_routes(client.get(f"{BASE}/openapi.json").json)
    documented = _documented_routes(CONTRACT.read_text(encoding="utf-8"))
    assert sorted(served - documented) == [], "served but not in docs/api.md"
    assert sorted(documented - served) == [], "in docs/api.md but not served"


def test_the_route_reader_sees_every_shape_of_cell():
    table = ("| method and path | who | does |\n| --- | --- | --- |\n"
             "| GET, PUT `/me/x/{id}` | a | b |\n"
             "| GET `/a`, POST `/b/{code}/go` | a | b |\n"
             "| GET `/.well-known/jwks.json` (no base path) | a | b |\n\n"
             "| page | who |\n| --- | --- |\n| GET `/dashboard` | a |\n")
    assert _documented_routes(table) == {
        ("GET", "/api/v1/me/x/{}"), ("PUT", "/api/v1/me/x/{}"), ("GET", "/api/v1/a"),
        ("POST", "/api/v1/b/{}/go"), ("GET", "/.well-known/jwks.json")}


def _properties(node, where: str):
    """Every (place, name, schema) of a named property or parameter, however deeply nested."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _properties(item, f"{where}[{index}]")
        return
    if not isinstance(node, dict):
        return
    if "name" in node and isinstance(node.get("schema"), dict):
        yield where, node["name"], node["schema"]
    for name, schema in (node.get("properties") or {}).items():
        if isinstance(schema, dict):
            yield where, name, schema
    for key, value in node.items():
        yield from _properties(value, f"{where}.{key}")


def test_every_date_or_time_field_has_a_type_and_a_format(client):
    document = client.get(f"{BASE}/openapi.json").json
    untyped = [(where, name, schema) for where, name, schema in _properties(document, "")
               if (DATE_NAME.search(name) or schema.get("format") in DATE_FORMATS)
               and not (schema.get("type") == "string" and schema.get("format") in DATE_FORMATS)]
    assert untyped == []

