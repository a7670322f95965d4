"""health summaries: build the stored summary of every record that has none, in batches (issue 15.2)

Records stored before 0020 (or while it was the head) have no summary row. This revision builds
them with the code `flask health summaries` runs (services/health/summaries.py: the records
without a row, then batches of 500, each one query per entry kind and one write), with a
progress bar on stderr. It writes only the missing rows, so running it on a database whose
summaries are already built changes nothing; a record's summary is a cache of its entries, so
the downgrade leaves the rows (0020's downgrade drops the table).

Why it imports the service, which no revision before it does: the summary document is the
summary rules themselves (the newest value per code, corrections applied, code and facility
names, the order of the codes), byte for byte what the endpoint answers; a copy of them in SQL
for two dialects would be a second set of rules to keep equal. The import is inside upgrade(),
so reading the history does not load the services. What this costs: the service reads the
entry tables through today's models; a later revision that changes a column of those tables
must come after the summaries are built (or move this step), else upgrading a database from
before 0021 to it stops here with an SQL error, its transaction rolled back (nothing half-built).

The whole build is one transaction with the migration: a failure leaves no summaries behind,
and a record without one is still built on its first read.

Revision ID: 0021_health_summaries_built
Revises: 0020_health_summaries
Create Date: 2026-12-01
"""
import sys

from alembic import op
from sqlalchemy.orm import Session


revision = '0021_health_summaries_built'
down_revision = '0020_health_summaries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from tqdm import tqdm

    from api.cli.language import operator_text
    from services.health import summaries

    session = Session(bind=op.get_bind())
    missing = summaries.records_without_summary(session)
    with tqdm(total=len(missing), desc=operator_text("cli.health.summaries"), file=sys.stderr,
              unit=operator_text("cli.health.record_unit"), disable=not missing) as bar:
        summaries.build_missing(session, missing, commit=session.flush, progress=bar.update)
    session.close()


def downgrade() -> None:
    pass
