"""The TSA's serial under concurrent requests (issue 14, point 3): real commits on PostgreSQL,
many threads at once; every token gets its own serial, each caller's serials only grow, and
together they are one unbroken run after the counter's value before the test."""
import os
import threading

import pytest
from asn1crypto import tsp
from sqlalchemy import select

from models.signatures import AuthorityCounter
from services.signatures.city_services import TSA_COUNTER

pytestmark = pytest.mark.postgres_only

THREADS, EACH = 8, 6


def _query() -> bytes:
    return tsp.TimeStampReq({"version": "v1", "nonce": int.from_bytes(os.urandom(8), "big"), "message_imprint": {
        "hash_algorithm": {"algorithm": "sha256"}, "hashed_message": os.urandom(32)}}).dump()


def _serial(reply: bytes) -> int:
    answer = tsp.TimeStampResp.load(reply)
    assert answer["status"]["status"].native == "granted"
    return answer["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed["serial_number"].native


def _counter(app) -> int:
    with app.extensions["runtime"].sessions() as session:
        return session.scalar(select(AuthorityCounter.value).where(AuthorityCounter.name == TSA_COUNTER)) or 0


def test_concurrent_timestamps_get_distinct_growing_serials(make_app, base_app):
    app = make_app()
    app.test_client().post("/api/v1/ca/tsa", data=_query(), content_type="application/timestamp-query")
    before = _counter(app)
    barrier = threading.Barrier(THREADS)
    serials: list[list[int]] = [[] for _ in range(THREADS)]
    failures: list[BaseException] = []

    def caller(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            for _ in range(EACH):
                answer = client.post("/api/v1/ca/tsa", data=_query(), content_type="application/timestamp-query")
                assert answer.status_code == 200, answer.data
                serials[index].append(_serial(answer.data))
        except BaseException as exc:  # noqa: BLE001  (reported below, on the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures, failures
    for own in serials:
        assert own == sorted(own) and len(set(own)) == EACH  # each caller's serials strictly increase
    every = [serial for own in serials for serial in own]
    assert len(set(every)) == len(every) == THREADS * EACH  # nothing duplicated
    assert sorted(every) == list(range(before + 1, before + THREADS * EACH + 1))  # no gap, no reuse
    assert _counter(app) == before + THREADS * EACH
