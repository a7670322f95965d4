"""metric snapshots: per-unit stock counts as they stood at the end of a day (issue 15.4)

Revision ID: 0019_metric_snapshots
Revises: 0018_account_language
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_metric_snapshots'
down_revision = '0018_account_language'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metric_snapshots',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('unit_code', sa.String(length=10), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'unit_code', 'measure', name=op.f('pk_metric_snapshots'))
    )


def downgrade() -> None:
    op.drop_table('metric_snapshots')
