"""What the client threads do: a citizen reading, an agency system filing and moving dossiers,
a doctor writing vital signs, anyone checking a dossier, a phone signing in, an officer
approving signature requests. Each returns an Operation for `Traffic.add`."""
from __future__ import annotations

import itertools
import time

from tests.dossiers_support import BUSINESS
from tests.faults.stack import World
from tests.faults.traffic import Client, Operation
from tests.health_support import RECORDS, days_ago, obs
from tests.support import PASSWORD

PACE = 0.02                     # seconds between two requests of one thread
DOSSIER_PATH = ("processing", "approved", "returned")   # after "received" at registration
_numbers = itertools.count(1)   # unique across threads and tests of one run


def citizen_reads(world: World) -> Operation:
    turn = itertools.count()

    def run(client: Client) -> None:
        person = world.citizens[next(turn) % len(world.citizens)]
        client.call("citizen_read", "GET", "/api/v1/me/dossiers?limit=5", headers=person.headers)
        time.sleep(PACE)

    return run


def agency_dossiers(world: World) -> Operation:
    """File a dossier at the counter, then walk it to `returned`, retrying like a real system."""

    def run(client: Client) -> bool | None:
        n = next(_numbers)
        owner = world.citizens[n % len(world.citizens)]
        filed = client.until_answered(
            "dossier_register", "POST", "/api/v1/agency/dossiers", {"national_id": owner.national_id},
            headers={**world.agency_key, "Idempotency-Key": f"faults-register-{n}"},
            json={"national_id": owner.national_id, "full_name": owner.full_name, "procedure_code": BUSINESS,
                  "channel": "counter"})
        if filed is None:
            return False
        assert filed.status == 201, (filed.status, filed.body)
        code = filed.body["code"]
        for to in DOSSIER_PATH:
            moved = client.until_answered(
                "dossier_transition", "POST", f"/api/v1/agency/dossiers/{code}/transitions",
                {"code": code, "to": to}, headers={**world.agency_key, "Idempotency-Key": f"{code}-{to}"},
                json={"to": to, "note": "fault test"})
            if moved is None:
                return False
            assert moved.status == 200, (moved.status, moved.body)
        return None

    return run


def health_writes(world: World) -> Operation:
    def run(client: Client) -> None:
        n = next(_numbers)
        patient = world.citizens[n % len(world.citizens)]
        source_id = f"faults-pulse-{n}"
        client.call("health_write", "POST", RECORDS.format(patient.national_id), {"source_id": source_id},
                    headers={**world.doctor.headers, "Idempotency-Key": source_id,
                             "X-Subject-Birth-Date": patient.date_of_birth.isoformat()},
                    json={"observations": [obs(source_id, "8867-4", 60 + n % 40, "/min", days_ago(1))]})
        time.sleep(PACE)

    return run


def public_lookups(world: World) -> Operation:
    def run(client: Client) -> None:
        client.call("public_status", "GET",
                    f"/api/v1/public/dossiers/{world.public_code}?id_last4={world.public_last4}")
        time.sleep(PACE)

    return run


def sign_ins(world: World) -> Operation:
    turn = itertools.count()

    def run(client: Client) -> None:
        person = world.citizens[next(turn) % len(world.citizens)]
        client.call("sign_in", "POST", "/api/v1/auth/token",
                    json={"national_id": person.national_id, "password": PASSWORD, "device_name": "faults"})
        time.sleep(PACE)

    return run


def approvals(world: World) -> Operation:
    """The officer approves the queue; an approval whose answer was lost is retried (409 then)."""
    queue = iter(list(world.signature_requests))

    def run(client: Client) -> bool | None:
        request_id = next(queue, None)
        if request_id is None:
            return False
        answer = client.until_answered("approval", "POST", f"/api/v1/signature-requests/{request_id}/approve",
                                       {"id": request_id}, headers=world.officer.headers, json={})
        if answer is None:
            return False
        assert answer.status == 200 or (answer.status == 409 and answer.body["current"] == "issued"), \
            (answer.status, answer.body)
        return None

    return run
