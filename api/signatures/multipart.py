"""Request locations for multipart/form-data bodies, parsed by one schema and documented as one
request body.

`multipart`: the form fields and files of the body. `json_or_multipart`: a JSON body as the
`json` location reads it, or the same JSON object sent as one part of a multipart body (the
schema's `JSON_PART`) with every other part a file, handed to the schema's `FILE_PARTS` field
as (part name, file) pairs: a route that takes files alongside its JSON keeps one schema.
"""
from __future__ import annotations

import json

from webargs.flaskparser import abort
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from api.blueprint import ArgumentsParser, Blueprint
from services.errors import ValidationFailed
from services.messages import lazy_text

MULTIPART = "multipart/form-data"


class FileParts(list):
    """(part name, file) pairs the parser found; a JSON body's list is never one."""


class MultipartParser(ArgumentsParser):
    __location_map__ = {**ArgumentsParser.__location_map__, "multipart": "load_multipart",
                        "json_or_multipart": "load_json_or_multipart"}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def load_json_or_multipart(self, req, schema):
        if req.mimetype != MULTIPART:
            return self.load_json(req, schema)
        part, files = schema.JSON_PART, schema.FILE_PARTS
        texts = [name for name in req.form if name != part]
        if texts:  # a part without a file name is a form field, not a file
            raise ValidationFailed(lazy_text("multipart.parts_are_files", part=part),
                                   errors={name: [lazy_text("multipart.not_a_file")] for name in texts},
                                   code="not_a_file")
        body = _json_part(req, part)
        sent = FileParts((name, upload) for name, upload in req.files.items(multi=True) if name != part)
        return {**body, files: sent} if isinstance(body, dict) else body


def _json_part(req, part: str):
    """The JSON text of the part, sent as a form field or as a file (with a file name)."""
    raw = req.form.get(part)
    if raw is None:
        upload: FileStorage | None = req.files.get(part)
        if upload is None:
            raise ValidationFailed.on_field(part, lazy_text("field.required"), "validation_failed")
        raw = upload.read()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        abort(400, exc=exc, messages={part: ["Invalid JSON body."]})


class MultipartBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": MULTIPART, "json_or_multipart": "application/json"}
