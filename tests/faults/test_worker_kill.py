"""A gunicorn worker is killed (SIGKILL) in the middle of requests: the transaction it had
open dies with it, gunicorn starts a new worker, and the database stays consistent."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.faults import operations as ops
from tests.faults.checks import (assert_acknowledged_writes_stored, assert_clean_failures,
                                 assert_consistent, statuses)
from tests.faults.traffic import Traffic
from tests.faults_support import wait_until

pytestmark = pytest.mark.faults

KILLS = 4
SIGNATURE_REQUESTS = 60


@pytest.mark.parametrize("stack", [SIGNATURE_REQUESTS], indirect=True)
def test_killing_a_worker_mid_request_leaves_nothing_half_written(stack):
    world, server = stack.world, stack.server
    traffic = Traffic(server.base).add(ops.agency_dossiers(world), threads=2).add(ops.approvals(world), threads=2)
    killed = []
    with traffic:
        traffic.wait_for_success(["dossier_transition", "approval"], seconds=20)
        for _ in range(KILLS):
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            wait_until(lambda: len(server.workers()) == 2 and victim not in server.workers(), 15,
                       "gunicorn replacing the killed worker")
            time.sleep(0.5)
        since = time.monotonic()
        traffic.wait_for_success(["dossier_transition"], seconds=20, since=since)
        wait_until(lambda: _approved_all(traffic, world), 60, "every signature request answered")

    cut = [a for a in traffic.answers if a.status == 0]
    print(f"{len(cut)} requests cut off by {KILLS} kills; answers: {statuses(traffic.answers)}")
    assert cut, "no request was in flight when a worker was killed"
    assert not set(killed) & set(server.workers())
    assert_clean_failures(traffic, dropped_allowed=True)
    assert_acknowledged_writes_stored(stack.engine, traffic)
    assert_consistent(stack.engine)


def _approved_all(traffic: Traffic, world) -> bool:
    answered = {a.ref["id"] for a in traffic.of("approval") if a.status in (200, 409)}
    return answered == set(world.signature_requests)
