"""health summaries: one stored summary document per record, kept up to date by every write (issue 15.2)

The summaries of records that exist before this revision are not built here: building them
needs the summary rules of services/health, which a migration must not import (they change
later, this file does not). A record without a stored summary gets it built and stored on its
first read or write (services/health/summaries.py), so the answer is the same either way;
`flask health summaries` builds them all ahead, in committed batches of 500 with a progress bar.

Revision ID: 0020_health_summaries
Revises: 0019_metric_snapshots
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_health_summaries'
down_revision = '0019_metric_snapshots'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('health_summaries',
    sa.Column('record_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['health_records.id'],
                            name=op.f('fk_health_summaries_record_id_health_records')),
    sa.PrimaryKeyConstraint('record_id', name=op.f('pk_health_summaries'))
    )


def downgrade() -> None:
    op.drop_table('health_summaries')
