"""One clock: frozen once, every timestamp of one action carries the same moment."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from models.dossiers import Dossier, DossierEvent
from models.notifications import Notification
from services.metrics.periods import local_day
from services.metrics.usage import requests_key
from tests.dossiers_support import submit

# 09:30 in Hanoi three days from now: not today's date, and the usage keys (which Redis expires
# after their day) are still there to be read.
FROZEN = (datetime.now(timezone.utc) + timedelta(days=3)).replace(hour=2, minute=30, second=0, microsecond=0)


def _utc(moment: datetime) -> datetime:  # SQLite hands datetimes back without their offset
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def test_filing_a_dossier_under_a_frozen_clock_stamps_everything_with_that_moment(
        app, client, people, catalogue, db_session, wall_clock):
    citizen = people.citizen(district_code="005")
    wall_clock.freeze(FROZEN)
    filed = submit(client, citizen)
    assert filed.status_code == 201, filed.json
    assert datetime.fromisoformat(filed.json["submitted_at"]) == FROZEN

    dossier = db_session.scalar(select(Dossier).where(Dossier.code == filed.json["code"]))
    event = db_session.scalar(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id))
    note = db_session.scalar(select(Notification).where(Notification.reference == dossier.code))
    assert [_utc(dossier.submitted_at), _utc(dossier.updated_at), _utc(event.created_at),
            _utc(note.created_at)] == [FROZEN] * 4
    kv = app.extensions["runtime"].kv
    assert kv.get(requests_key(local_day(FROZEN), "005", "dossier")) == "1"
