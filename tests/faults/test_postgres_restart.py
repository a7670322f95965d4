"""PostgreSQL restarts while requests flow: clean 503s while it is away, then the pool
reconnects (no pre-ping: a dropped connection is retried for safe requests) and the same
workers serve again; nothing acknowledged is lost."""
from __future__ import annotations

import time

import pytest
import requests

from tests.faults import operations as ops
from tests.faults.checks import (assert_acknowledged_writes_stored, assert_clean_failures,
                                 assert_consistent, assert_server_logged_no_crash, statuses)
from tests.faults.traffic import Traffic
from tests.faults_support import wait_until

pytestmark = pytest.mark.faults

OPERATIONS = ("citizen_read", "health_write", "public_status", "sign_in", "dossier_transition")
DOWN_SECONDS = 3


def test_postgres_restart_fails_cleanly_and_the_pool_reconnects(stack):
    base, world = stack.server.base, stack.world
    workers = stack.server.workers()
    traffic = (Traffic(base).add(ops.citizen_reads(world), threads=2).add(ops.agency_dossiers(world), threads=2)
               .add(ops.health_writes(world)).add(ops.public_lookups(world)).add(ops.sign_ins(world)))
    with traffic:
        traffic.wait_for_success(list(OPERATIONS), seconds=20)
        stack.postgres.stop("fast")          # in-flight transactions are cut off
        down_from = time.monotonic()
        noticed = wait_until(lambda: requests.get(base + "/readyz", timeout=5).status_code == 503, 5,
                             "/readyz turning 503")
        time.sleep(DOWN_SECONDS)
        down_to = time.monotonic()
        stack.postgres.start()
        recovered = wait_until(lambda: requests.get(base + "/readyz", timeout=5).status_code == 200, 15,
                               "/readyz turning 200 again")
        back = time.monotonic()
        traffic.wait_for_success(list(OPERATIONS), seconds=20, since=back)

    print(f"/readyz 503 after {noticed:.2f} s, 200 again {recovered:.2f} s after PostgreSQL started")
    assert_clean_failures(traffic)
    for operation in OPERATIONS:
        during = traffic.of(operation, since=down_from + 0.5, until=down_to)
        assert during and set(statuses(during)) == {503}, (operation, statuses(during))
    assert stack.server.workers() == workers, "a worker was restarted"
    assert_server_logged_no_crash(stack.server.log())
    stack.engine.dispose()  # this process's own pooled connections died with the restart (no pre-ping)
    assert_acknowledged_writes_stored(stack.engine, traffic)
    assert_consistent(stack.engine)
