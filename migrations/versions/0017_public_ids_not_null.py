"""public ids NOT NULL, and a public id for each health correction (issue 12)

Every table with a `public_id` (signature requests, notifications, health correction requests,
health corrections and every health record entry) now declares it NOT NULL: the id shown
outside is always there, and the database says so. Rows left without one (none are expected:
the model's default and 0012's fill set it) get a random one first.

`health_corrections.public_id` is new: an entry's `corrections[].id` shows it instead of the
sequential key (docs/api.md, "Opaque public ids").

SQLite rebuilds each table to add NOT NULL (batch mode); migrations/env.py turns foreign keys
off for the whole run and checks them once at the end.

Revision ID: 0017_public_ids_not_null
Revises: 0016_signed_application
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_public_ids_not_null'
down_revision = '0016_signed_application'
branch_labels = None
depends_on = None

PUBLIC_ID_TABLES = ("signature_requests", "notifications", "health_correction_requests", "health_corrections",
                    "observations", "conditions", "allergies", "risk_factors", "immunizations", "encounters")


def _fill_public_ids(table: str) -> None:
    """Rows without an id get a random one; SQLite stores a Uuid as 32 hex digits."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"UPDATE {table} SET public_id = gen_random_uuid() WHERE public_id IS NULL")
    else:
        op.execute(f"UPDATE {table} SET public_id = lower(hex(randomblob(16))) WHERE public_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("health_corrections") as batch:
        batch.add_column(sa.Column("public_id", sa.Uuid(), nullable=True))
    for table in PUBLIC_ID_TABLES:
        _fill_public_ids(table)
        with op.batch_alter_table(table) as batch:
            batch.alter_column("public_id", existing_type=sa.Uuid(), nullable=False)
    with op.batch_alter_table("health_corrections") as batch:
        batch.create_index(batch.f("ix_health_corrections_public_id"), ["public_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("health_corrections") as batch:
        batch.drop_index(batch.f("ix_health_corrections_public_id"))
    for table in PUBLIC_ID_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("public_id", existing_type=sa.Uuid(), nullable=True)
    with op.batch_alter_table("health_corrections") as batch:
        batch.drop_column("public_id")
