"""public ids, data access log, and health access log entries say read or write

`public_id` on signature requests, notifications, health correction requests and every health
record entry (observations, conditions, allergies, risk factors, immunizations, encounters): the id the
API shows and takes (a UUIDv7 for new rows, random for the rows that exist at upgrade time);
the integer keys stay internal.

`data_access_log`: what staff and agency systems looked up or changed about a person
(dossiers, identity, signatures), read by the person at GET /me/data-access.
`health_access_log.action`: read (every existing row) or write (a provider added entries).
`devices.session_id`: the sign-in session that registered a push device; ending it removes
the device (devices registered before this revision have none and stay until re-registered).

Revision ID: 0012_public_ids_data_access
Revises: 0008_event_columns
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_public_ids_data_access"
down_revision = "0011_agency_timeline"
branch_labels = None
depends_on = None


PUBLIC_ID_TABLES = ("signature_requests", "notifications", "health_correction_requests",
                    "observations", "conditions", "allergies", "risk_factors", "immunizations", "encounters")


def _fill_public_ids(table: str) -> None:
    """Existing rows get a random id; SQLite stores a Uuid as 32 hex digits."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"UPDATE {table} SET public_id = gen_random_uuid() WHERE public_id IS NULL")
    else:
        op.execute(f"UPDATE {table} SET public_id = lower(hex(randomblob(16))) WHERE public_id IS NULL")


def _add_public_id(table: str) -> None:
    # Left nullable in the schema (every row has one: the model's default and the fill below):
    # NOT NULL would make SQLite copy tables that other tables point at.
    op.add_column(table, sa.Column("public_id", sa.Uuid(), nullable=True))
    _fill_public_ids(table)
    op.create_index(op.f(f"ix_{table}_public_id"), table, ["public_id"], unique=True)


def upgrade() -> None:
    for table in PUBLIC_ID_TABLES:
        _add_public_id(table)
    op.create_table(
        "data_access_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("area", sa.String(length=12), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("resource", sa.String(length=80), nullable=True),
        sa.Column("actor_kind", sa.String(length=12), nullable=False),
        sa.Column("actor_account_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("agency_code", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_access_log")),
    )
    op.create_index("ix_data_access_log_subject_time", "data_access_log", ["subject_hash", "at", "id"])
    with op.batch_alter_table("health_access_log") as batch:
        batch.add_column(sa.Column("action", sa.String(length=8), server_default="read", nullable=False))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("session_id", sa.Uuid(), nullable=True))
        batch.create_index(batch.f("ix_devices_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_index(batch.f("ix_devices_session_id"))
        batch.drop_column("session_id")
    with op.batch_alter_table("health_access_log") as batch:
        batch.drop_column("action")
    op.drop_index("ix_data_access_log_subject_time", table_name="data_access_log")
    op.drop_table("data_access_log")
    for table in PUBLIC_ID_TABLES:
        op.drop_index(op.f(f"ix_{table}_public_id"), table_name=table)
        op.drop_column(table, "public_id")
