"""A gunicorn worker is killed (SIGKILL) in the middle of requests: the transaction it had
open dies with it, gunicorn starts a new worker, and the database stays consistent.

Two phases, so that each kind of write is surely cut: first only certificate approvals flow
(both workers busy approving), then only dossier filings and moves."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.faults import operations as ops
from tests.faults.checks import (assert_acknowledged_writes_stored, assert_clean_failures,
                                 assert_consistent, statuses)
from tests.faults.traffic import Traffic
from tests.faults_support import Gunicorn, wait_until

pytestmark = pytest.mark.faults

KILLS_PER_PHASE = 2
SIGNATURE_REQUESTS = 160


def _kill_one_worker(server: Gunicorn) -> int:
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: len(server.workers()) == 2 and victim not in server.workers(), 20,
               "gunicorn replacing the killed worker")
    return victim


def _phase(server: Gunicorn, operation, name: str) -> Traffic:
    traffic = Traffic(server.base).add(operation, threads=2)
    with traffic:
        traffic.wait_for_success([name], seconds=20)
        for _ in range(KILLS_PER_PHASE):
            _kill_one_worker(server)
            traffic.wait_for_success([name], seconds=20, since=time.monotonic())
    return traffic


@pytest.mark.parametrize("stack", [SIGNATURE_REQUESTS], indirect=True)
def test_killing_a_worker_mid_request_leaves_nothing_half_written(stack):
    world, server = stack.world, stack.server
    approving = _phase(server, ops.approvals(world), "approval")
    moving = _phase(server, ops.agency_dossiers(world), "dossier_transition")

    for traffic in (approving, moving):
        print(f"answers: {statuses(traffic.answers)}")
        assert [a for a in traffic.answers if a.status == 0], "no request was cut off by a kill"
        assert_clean_failures(traffic, dropped_allowed=True)
        assert_acknowledged_writes_stored(stack.engine, traffic)
    approved = {a.ref["id"] for a in approving.answers if a.status in (200, 409)}
    assert approved, "no approval went through"
    assert_consistent(stack.engine)
