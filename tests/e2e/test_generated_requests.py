"""Generated and negative requests on every operation of the served OpenAPI document, per caller.

schemathesis generates requests from `/api/v1/openapi.json` (examples, coverage and fuzzing
phases; valid and invalid data) and sends them in-process through the WSGI app, signed in as
each kind of caller. The bar: no 5xx, every status and body as documented, every error
problem+json. Run it alone with `pytest -m generated_requests`.
"""
from __future__ import annotations

import time

import pytest
import schemathesis

from tests.generated_requests_support import (
    CALLERS, build_world, errors_are_problem_json, hostile_requests, load_schema, no_server_error,
    schema_valid_input_is_parsed, served_document, strict_document)

pytestmark = pytest.mark.generated_requests

# Fuzzing examples per operation and caller; the coverage phase adds its own cases.
EXAMPLES_PER_OPERATION = 20
MIN_REQUESTS = 10_000

CONFIG = schemathesis.Config.from_dict({
    "seed": 20240601,
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
               "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
    # positive_data_acceptance is replaced by schema_valid_input_is_parsed (see there).
    "checks": {"enabled": True, "positive_data_acceptance": {"enabled": False}},
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
})
SCHEMA = load_schema(CONFIG)


@pytest.fixture(scope="module")
def world(make_app, database_url, tmp_path_factory):
    yield from build_world(make_app, database_url, str(tmp_path_factory.mktemp("generated")))


def test_the_run_uses_the_document_the_app_serves(world):
    assert strict_document(served_document(world.app)) == SCHEMA.raw_schema


@pytest.mark.parametrize("caller", list(CALLERS))
@SCHEMA.parametrize()
def test_generated_requests(case, caller, world):
    world.count.caller = caller
    with world.fresh_state():
        case.call_and_validate(headers=world.headers[caller],
                               additional_checks=[errors_are_problem_json, schema_valid_input_is_parsed])


HOSTILE = list(hostile_requests(SCHEMA.raw_schema))


@pytest.mark.parametrize("caller", list(CALLERS))
def test_hostile_payloads_on_every_operation_make_no_5xx(caller, world):
    """A fixed set of cheap hostile inputs (deep nesting, numbers no column holds, JSON's
    non-numbers, forged cursors) sent to every operation, each on the seeded state."""
    client = world.app.test_client()
    world.count.caller = f"hostile:{caller}"  # shown per caller, not counted in the generated budget
    failures = []
    for sent in HOSTILE:
        with world.fresh_state():
            answer = client.open(sent.path, method=sent.method, query_string=sent.query,
                                 data=sent.body, headers={**world.headers[caller],
                                                          "Content-Type": "application/json"})
        try:
            no_server_error(answer, sent)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)


def test_generated_request_budget(world, capsys):
    """Runs after the generated requests (same module, later in the file): the budget held."""
    if not world.count.total:
        pytest.skip("the generated requests were not selected")
    elapsed = time.monotonic() - world.started
    with capsys.disabled():
        print(f"\n[generated requests] {world.count.total} requests in {elapsed:.0f} s "
              f"({world.seeded_in:.0f} s of it migrating and seeding); per caller: {world.count.by_caller}")
    assert world.count.total >= MIN_REQUESTS
