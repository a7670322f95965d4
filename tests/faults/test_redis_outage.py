"""Redis stops while requests flow, then comes back.

What each use of Redis does while it is away (SECURITY.md, "When Redis is away"):
  access-token denylist       fails closed: every Bearer request is 503 (a revoked token never works)
  failed sign-in throttle     fails closed: sign-in is 503 (no unlimited password guessing)
  public-lookup miss counter  fails closed: 503 (no unlimited guessing of the 4 digits)
  per-address rate limit      fails open: /auth/* is served without it
  usage counting              fails open: the request is served, the use is not counted
Agency systems (API key, checked in the database) keep filing and moving dossiers.
"""
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

NEEDS_REDIS = ("citizen_read", "health_write", "public_status", "sign_in")
OUTAGE_SECONDS = 4


def _ready(base: str) -> int:
    return requests.get(base + "/readyz", timeout=5).status_code


def test_redis_outage_fails_closed_where_it_must_and_loses_nothing(stack):
    base, world = stack.server.base, stack.world
    workers = stack.server.workers()
    traffic = (Traffic(base).add(ops.citizen_reads(world)).add(ops.agency_dossiers(world), threads=2)
               .add(ops.health_writes(world)).add(ops.public_lookups(world)).add(ops.sign_ins(world)))
    with traffic:
        traffic.wait_for_success([*NEEDS_REDIS, "dossier_transition"], seconds=20)
        stack.redis.stop()
        noticed = wait_until(lambda: _ready(base) == 503, 5, "/readyz turning 503")
        outage_from = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        # The per-address limit of /auth/* fails open: a refresh needs only the database.
        refreshed = requests.post(base + "/api/v1/auth/refresh", timeout=10,
                                  json={"refresh_token": world.citizens[1].refresh_token})
        outage_to = time.monotonic()
        stack.redis.start()
        recovered = wait_until(lambda: _ready(base) == 200, 15, "/readyz turning 200 again")
        back = time.monotonic()
        traffic.wait_for_success([*NEEDS_REDIS, "dossier_transition"], seconds=20, since=back)

    print(f"/readyz 503 after {noticed:.2f} s, 200 again {recovered:.2f} s after Redis restarted")
    assert refreshed.status_code == 200, refreshed.json()
    assert_clean_failures(traffic)
    for operation in NEEDS_REDIS:
        during = traffic.of(operation, since=outage_from, until=outage_to)
        assert during and set(statuses(during)) == {503}, (operation, statuses(during))
    moved = traffic.of("dossier_transition", since=outage_from, until=outage_to)
    assert statuses(moved)[200] > 0, f"agency moves should go on without Redis: {statuses(moved)}"
    assert stack.server.workers() == workers, "a worker was restarted"
    assert_server_logged_no_crash(stack.server.log())
    assert_acknowledged_writes_stored(stack.engine, traffic)
    assert_consistent(stack.engine)


def test_a_revoked_token_stays_refused_through_an_outage(stack):
    """Logout while Redis is up; Redis away: 503, never 200; back, empty: still 401."""
    base, citizen = stack.server.base, stack.world.citizens[2]
    me = base + "/api/v1/me"
    assert requests.get(me, headers=citizen.headers, timeout=5).status_code == 200
    assert requests.post(base + "/api/v1/auth/logout", headers=citizen.headers, timeout=5).status_code == 204
    stack.redis.stop()
    try:
        answer = requests.get(me, headers=citizen.headers, timeout=5)
        assert answer.status_code == 503 and answer.json()["code"] == "service_unavailable"
        assert answer.headers["Retry-After"]
    finally:
        stack.redis.start()
    # This Redis keeps nothing across a restart: the denial is rebuilt from the database.
    after = requests.get(me, headers=citizen.headers, timeout=5)
    assert after.status_code == 401 and after.json()["code"] == "token_revoked", after.json()
    spent = requests.post(base + "/api/v1/auth/refresh", json={"refresh_token": citizen.refresh_token}, timeout=5)
    assert spent.status_code == 401, spent.json()
    assert requests.get(me, headers=stack.world.citizens[3].headers, timeout=5).status_code == 200
