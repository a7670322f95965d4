"""The schema comes only from migrations, and they agree with the models."""
import json
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

import models  # noqa: F401
from migrations.runner import alembic_config, upgrade
from models.base import Base
from models.database import make_engine
from models.health import HealthSummary
from services.demo.reference import seed_reference_data
from services.health import reading, summaries
from tests.conftest import TEST_DATABASE_URL
from tests.databases import scratch_database
from tests.health_support import CLINIC, check_up, days_ago, load_facilities, obs, written
from tests.support import PeopleFactory


def test_models_and_migrations_agree(app):
    engine = app.extensions["runtime"].engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


HISTORY = {"actor_role": "officer", "actor_id": "0f" * 16, "at": "2026-11-20 03:04:05.000000",
           "from_status": "submitted", "to_status": "approved", "note": "checked at the counter"}
RENAMED = {"actor_role": "actor_kind", "actor_id": "actor_account_id", "at": "created_at"}


def _history(engine, columns) -> dict:
    with engine.connect() as connection:
        row = connection.execute(text(f"SELECT {', '.join(columns)} FROM signature_request_events")).one()
    return dict(zip(columns, row))


def test_0008_keeps_every_request_history_row_under_the_shared_event_column_names(tmp_path):
    """A request's history written before 0008 reads the same after it, and after its downgrade."""
    url = f"sqlite:///{tmp_path}/history.sqlite3"
    upgrade(url, "0007_metrics_indexes")
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in (
                "INSERT INTO agencies (code, name, level) VALUES ('A', 'Agency', 'city')",
                "INSERT INTO service_counters (code, name, agency_code) VALUES ('C', 'Counter', 'A')",
                "INSERT INTO signature_providers (code, name) VALUES ('P', 'Provider')",
                "INSERT INTO accounts (id, national_id_hash, national_id, full_name, password_hash, role,"
                " assurance_level, status, created_at) VALUES (:id, 'h', '001185004321', 'N', '!', 'officer',"
                " 2, 'active', :at)",
                "INSERT INTO signature_requests (id, account_id, provider_code, counter_code, appointment_date,"
                " status, created_at, updated_at) VALUES (1, :id, 'P', 'C', '2026-11-21', 'approved', :at, :at)",
                "INSERT INTO signature_request_events (request_id, actor_id, actor_role, from_status, to_status,"
                " note, at) VALUES (1, :id, 'officer', 'submitted', 'approved', 'checked at the counter', :at)"):
            connection.execute(text(statement), {"id": HISTORY["actor_id"], "at": HISTORY["at"]})

    upgrade(url)
    assert _history(engine, [RENAMED.get(c, c) for c in HISTORY]) == {
        RENAMED.get(c, c): value for c, value in HISTORY.items()}
    command.downgrade(alembic_config(url), "0007_metrics_indexes")
    assert _history(engine, list(HISTORY)) == HISTORY
    engine.dispose()


def test_0009_keeps_the_2024_districts_and_their_residents_and_back(tmp_path):
    """Units and residents written before 0009 read the same after it (a district is now kind
    district from an id of its own), and after its downgrade."""
    url = f"sqlite:///{tmp_path}/units.sqlite3"
    upgrade(url, "0008_event_columns")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO administrative_units (code, name, level, valid_from, valid_to)"
                                " VALUES ('001', 'Ba Đình', 'district', '2008-08-01', '2025-06-30')"))
        connection.execute(text("INSERT INTO residents (national_id, full_name, date_of_birth, sex,"
                                " district_code, updated_at) VALUES ('001185004321', 'N', '1985-01-01',"
                                " 'male', '001', '2026-11-20 03:04:05')"))
    upgrade(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT code, level, kind, valid_from, valid_to FROM administrative_units"
                                       )).all() == [("001", "district", "district", "2008-08-01", "2025-06-30")]
        assert connection.execute(text("SELECT district_code, unit_code FROM residents")).all() == [("001", None)]
        assert connection.execute(text("SELECT u.code, a.valid_to FROM resident_addresses a JOIN administrative_units u"
                                       " ON u.id = a.unit_id")).all() == [("001", "2025-06-30")]
    command.downgrade(alembic_config(url), "0008_event_columns")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT code, name FROM administrative_units")).all() == [("001", "Ba Đình")]
        assert connection.execute(text("SELECT district_code FROM residents")).all() == [("001",)]
    engine.dispose()


def test_0017_gives_a_row_without_a_public_id_one_and_then_refuses_none(tmp_path):
    """A notification stored without a public id (possible before 0017) gets one, and after
    0017 the database itself refuses a row without one."""
    url = f"sqlite:///{tmp_path}/public_ids.sqlite3"
    upgrade(url, "0014_signatures_2025")
    engine = make_engine(url)
    account = {"id": "0f" * 16, "at": HISTORY["at"]}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO accounts (id, national_id_hash, national_id, full_name, password_hash, role,"
            " assurance_level, status, created_at) VALUES (:id, 'h', '001185004321', 'N', '!', 'citizen',"
            " 1, 'active', :at)"), account)
        connection.execute(text("INSERT INTO notifications (account_id, kind, title, body, created_at, push_status,"
                                " push_attempts) VALUES (:id, 'k', 't', 'b', :at, 'pending', 0)"), account)
    upgrade(url)
    with engine.connect() as connection:
        [public_id] = connection.execute(text("SELECT public_id FROM notifications")).scalars().all()
    assert public_id and len(public_id) == 32
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO notifications (account_id, kind, title, body, created_at, push_status,"
                                " push_attempts) VALUES (:id, 'k', 't', 'b', :at, 'pending', 0)"), account)
    engine.dispose()


@contextmanager
def _empty_database(tmp_path, name: str) -> Iterator[str]:
    """An empty database on the backend the suite runs on: a SQLite file, or a scratch PostgreSQL one."""
    if TEST_DATABASE_URL:
        with scratch_database(TEST_DATABASE_URL, name) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path}/{name}.sqlite3"


def test_0021_builds_the_summaries_of_records_stored_before_them_and_the_endpoint_answers_from_them(
        make_app, tmp_path):
    """A record written while 0020 was the head but before its summary existed (the row removed,
    as a record stored before the table has none) gets its summary from 0021, in the migration:
    the row is there before any read, and GET /me/health/summary answers it without rewriting it."""
    with _empty_database(tmp_path, "m0021") as url:
        upgrade(url, "0020_health_summaries")
        app = make_app(DATABASE_URL=url)
        runtime = app.extensions["runtime"]
        with runtime.sessions() as session:
            seed_reference_data(session)
            load_facilities(session)
            people = PeopleFactory(app, session)
            me, doctor = people.citizen(), people.staff("health_provider", facility_code=CLINIC)
            session.commit()
        client = app.test_client()
        written(client, doctor, me.national_id, check_up("old", days_ago(30), systolic=151))
        written(client, doctor, me.national_id, {"observations": [obs("pulse", "8867-4", 64, "/min", days_ago(2))]})
        with runtime.engine.begin() as connection:
            connection.execute(text("DELETE FROM health_summaries"))
        runtime.engine.dispose()

        upgrade(url)
        with runtime.engine.connect() as connection:
            [(record_id, version, document)] = connection.execute(
                text("SELECT record_id, version, document FROM health_summaries")).all()
        document = document if isinstance(document, dict) else json.loads(document)
        assert version == 1
        assert {v["code"]: v["value"] for v in document["vital_signs"]}["8480-6"] == 151
        assert {v["code"] for v in document["vital_signs"]} >= {"8867-4", "39156-5"}  # the BMI too

        answer = client.get("/api/v1/me/health/summary", headers=me.headers)
        assert answer.status_code == 200
        body = answer.get_json()
        assert {k: v for k, v in body.items() if k not in ("subject", "has_record")} == document
        with runtime.sessions() as session:
            assert session.get(HealthSummary, record_id).version == 1  # read, not rebuilt
            live = summaries.json_form(reading.record_summary(session, record_id))
        assert live == document

        upgrade(url)  # already at the head: nothing to do, nothing rewritten
        command.downgrade(alembic_config(url), "0020_health_summaries")
        command.upgrade(alembic_config(url), "head")  # every record has its row: none rebuilt
        with runtime.sessions() as session:
            assert session.get(HealthSummary, record_id).version == 1
        runtime.engine.dispose()


def test_0022_gives_dossiers_filed_since_the_reform_their_owners_ward_or_commune(tmp_path):
    """Before 0022 every dossier stored its owner's 2024 district; after it one filed from
    2025-07-01 (Hanoi time) holds the ward or commune of the filing day, an earlier one its district."""
    from datetime import date, datetime, timezone

    from sqlalchemy import insert, select

    from models.dossiers import Dossier, Procedure
    from models.reference import AdministrativeUnit, Agency, Resident, ResidentAddress
    url = f"sqlite:///{tmp_path}/home.sqlite3"
    upgrade(url, "0020_health_summaries")
    engine = make_engine(url)
    at = lambda *parts: datetime(*parts, tzinfo=timezone.utc)  # noqa: E731
    with engine.begin() as connection:
        units = [{"id": 1, "code": "001", "name": "Ba Đình", "level": "district", "kind": "district",
                  "valid_from": date(2008, 8, 1), "valid_to": date(2025, 6, 30)},
                 {"id": 2, "code": "00001", "name": "Phúc Xá", "level": "commune", "kind": "ward",
                  "parent_code": "001", "valid_from": None, "valid_to": date(2025, 6, 30)},
                 {"id": 3, "code": "00097", "name": "Hồng Hà", "level": "commune", "kind": "ward",
                  "parent_code": "01", "valid_from": date(2025, 7, 1), "valid_to": None},
                 {"id": 4, "code": "00166", "name": "Cầu Giấy", "level": "commune", "kind": "ward",
                  "parent_code": "01", "valid_from": date(2025, 7, 1), "valid_to": None}]
        connection.execute(insert(AdministrativeUnit), units)
        connection.execute(insert(Resident), [
            {"id": 1, "national_id": "001090880041", "full_name": "N", "date_of_birth": date(1990, 1, 1),
             "sex": "male", "district_code": "001", "unit_code": "00166", "updated_at": at(2025, 10, 1)},
            {"id": 2, "national_id": "001090880042", "full_name": "M", "date_of_birth": date(1990, 1, 1),
             "sex": "male", "district_code": "005", "unit_code": None, "updated_at": at(2025, 10, 1)}])
        connection.execute(insert(ResidentAddress), [
            {"resident_id": 1, "unit_id": 2, "valid_from": None, "valid_to": date(2025, 6, 30)},
            {"resident_id": 1, "unit_id": 3, "valid_from": date(2025, 7, 1), "valid_to": date(2025, 9, 30)},
            {"resident_id": 1, "unit_id": 4, "valid_from": date(2025, 10, 1), "valid_to": None}])
        connection.execute(insert(Agency), [{"code": "A", "name": "A", "level": "city"}])
        connection.execute(insert(Procedure), [{"code": "P", "name": "P", "agency_code": "A", "online_level": "full",
                                                "processing_days": 3, "fee": 0, "form_schema": {},
                                                "search_text": "P", "updated_at": at(2025, 1, 1)}])
        filed = [(1, at(2025, 3, 10, 3)), (1, at(2025, 6, 30, 16, 59)), (1, at(2025, 6, 30, 17)),
                 (1, at(2025, 11, 3, 3)), (2, at(2025, 11, 3, 3))]
        connection.execute(insert(Dossier), [
            {"id": n, "code": f"D{n}", "procedure_code": "P", "agency_code": "A", "owner_resident_id": owner,
             "district_code": "005" if owner == 2 else "001", "channel": "online", "status": "submitted",
             "form": {}, "submitted_at": moment, "due_at": moment, "original_due_at": moment, "updated_at": moment}
            for n, (owner, moment) in enumerate(filed, start=1)])
    upgrade(url)
    with engine.connect() as connection:
        assert connection.execute(select(Dossier.district_code).order_by(Dossier.id)).scalars().all() == [
            "001", "001", "00097", "00166", "005"]
    engine.dispose()
