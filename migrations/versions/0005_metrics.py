"""adoption metrics: usage_daily and usage_monthly_active (counts only)

Revision ID: 0005_metrics
Revises: 0001_foundation
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_metrics'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('unit_code', sa.String(length=10), nullable=False),
    sa.Column('feature', sa.String(length=16), nullable=False),
    sa.Column('requests', sa.BigInteger(), nullable=False),
    sa.Column('active_users', sa.Integer(), nullable=False),
    sa.Column('redis_epoch', sa.String(length=32), nullable=False),
    sa.Column('requests_base', sa.BigInteger(), nullable=False),
    sa.Column('active_users_base', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'unit_code', 'feature', name=op.f('pk_usage_daily'))
    )
    op.create_table('usage_monthly_active',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('unit_code', sa.String(length=10), nullable=False),
    sa.Column('feature', sa.String(length=16), nullable=False),
    sa.Column('active_users', sa.Integer(), nullable=False),
    sa.Column('redis_epoch', sa.String(length=32), nullable=False),
    sa.Column('active_users_base', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'unit_code', 'feature', name=op.f('pk_usage_monthly_active'))
    )


def downgrade() -> None:
    op.drop_table('usage_monthly_active')
    op.drop_table('usage_daily')
