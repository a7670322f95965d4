"""identity a city can trust: the phone on record, where a level came from, the security log

residents.phone is the phone registered to the person (sign-up codes go only there);
accounts.assurance_source says where the account's level came from (sign-up, counter, e-ID,
staff); security_events is the log a citizen reads at GET /me/security-events.

Revision ID: 0013_identity
Revises: 0008_event_columns
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from models.types import BigIntPK

revision = "0013_identity"
down_revision = "0012_public_ids_data_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): other tables' foreign keys point at accounts.
    op.add_column("residents", sa.Column("phone", sa.String(length=16), nullable=True))
    op.add_column("accounts", sa.Column("assurance_source", sa.String(length=10), nullable=True))
    op.create_table(
        "security_events",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("device_name", sa.String(length=100), nullable=True),
        sa.Column("actor_account_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_security_events_account_id_accounts")),
        sa.ForeignKeyConstraint(["actor_account_id"], ["accounts.id"],
                                name=op.f("fk_security_events_actor_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    op.create_index("ix_security_events_account_created", "security_events",
                    ["account_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_security_events_account_created", table_name="security_events")
    op.drop_table("security_events")
    op.drop_column("accounts", "assurance_source")
    op.drop_column("residents", "phone")
