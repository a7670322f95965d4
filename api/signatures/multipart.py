"""A `multipart` request location: form fields and files of one multipart/form-data body,
parsed by one schema and documented as one request body."""
from __future__ import annotations

from werkzeug.datastructures import CombinedMultiDict

from api.blueprint import ArgumentsParser, Blueprint


class MultipartParser(ArgumentsParser):
    __location_map__ = {**ArgumentsParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class MultipartBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}
