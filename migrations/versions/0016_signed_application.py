"""Procedures that need the application signed by the dossier's owner before it is received.

Revision ID: 0016_signed_application
Revises: 0015_ratings
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016_signed_application'
down_revision = '0015_ratings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedures") as batch:
        batch.add_column(sa.Column("requires_signed_application", sa.Boolean(), server_default=sa.text("false"),
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("procedures") as batch:
        batch.drop_column("requires_signed_application")
