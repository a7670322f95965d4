"""The new domain errors take the HTTP statuses the issue names, through api/problems.py's table."""
import pytest

from api.problems import status_of
from services import errors


@pytest.mark.parametrize("error, status, code", [
    (errors.UnsupportedDocumentType("x"), 415, "unsupported_document_type"),
    (errors.DocumentTooLarge("x"), 413, "document_too_large"),
    (errors.MalformedDocument("x"), 422, "malformed_document"),
    (errors.DocumentMissing("x"), 404, "document_missing"),
    (errors.BadCallbackSignature("x"), 401, "bad_callback_signature"),
])
def test_each_new_error_has_its_status_and_stable_code(error, status, code):
    assert (status_of(error), error.code) == (status, code)
