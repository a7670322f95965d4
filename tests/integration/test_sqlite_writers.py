"""The embedded default (a SQLite file) under concurrent writes: the second writer waits and
gets the same answer as on PostgreSQL (409), never 503.

Runs on either backend: it builds its own app on a SQLite file of its own.
"""
import threading
from collections import Counter

import pytest

from migrations.runner import upgrade
from services.identity.agency_keys import create_agency_key
from tests.dossiers_support import BA_DINH, load_catalogue, submit, walk
from services.demo.reference import seed_reference_data
from tests.support import PeopleFactory

PAIRS = 200


@pytest.fixture(scope="module")
def sqlite_app(make_app, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('writers')}/writers.sqlite3"
    upgrade(url)
    app = make_app(DATABASE_URL=url)
    rt = app.extensions["runtime"]
    with rt.sessions() as session:
        seed_reference_data(session)
        load_catalogue(session)
        session.commit()
        citizen = PeopleFactory(app, session).citizen()
        key = {"Authorization": f"ApiKey {create_agency_key(session, BA_DINH)}"}
        session.commit()
    yield app, citizen, key
    rt.engine.dispose()


def _dossiers_in_processing(app, citizen, key, count):
    client = app.test_client()
    codes = []
    for _ in range(count):
        code = submit(client, citizen).json["code"]
        walk(client, key, code, "received", "processing")
        codes.append(code)
    return codes


def test_two_finishing_moves_at_once_on_sqlite_one_wins_the_other_waits_and_gets_409(sqlite_app):
    app, citizen, key = sqlite_app
    codes = _dossiers_in_processing(app, citizen, key, PAIRS)
    barrier = threading.Barrier(2)
    answers: dict[str, list[int]] = {code: [] for code in codes}

    def finish(to, body):
        client = app.test_client()
        for code in codes:
            barrier.wait()
            answer = client.post(f"/api/v1/agency/dossiers/{code}/transitions", headers=key,
                                 json={"to": to, **body})
            answers[code].append(answer.status_code)

    threads = [threading.Thread(target=finish, args=("approved", {})),
               threading.Thread(target=finish, args=("rejected", {"note": "Không đủ điều kiện"}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = Counter(tuple(sorted(statuses)) for statuses in answers.values())
    assert outcomes == Counter({(200, 409): PAIRS}), outcomes
