"""The list conventions: `?limit=&cursor=` in, `{"items": [...], "next_cursor": ...}` out."""
from __future__ import annotations

import marshmallow as ma

_page_schemas: dict[type[ma.Schema], type[ma.Schema]] = {}


class PageQuery(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=500))


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The page schema for `item_schema`, made once so the OpenAPI document names it once."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = ma.Schema.from_dict({
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "next_cursor": ma.fields.String(allow_none=True, required=True),
        }, name=name)
    return _page_schemas[item_schema]
