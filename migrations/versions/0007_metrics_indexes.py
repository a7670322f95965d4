"""metrics indexes: dossiers by receipt and by decision time

The indicator queries select dossiers received, or decided, within a period and group
them by unit over all units; the time range is what selects, so time goes first (a
unit-first index would need a range probe per unit). A yearly period over a few years of
dossiers still reads most of the table; a month or a quarter - and a year once the table
holds many years - is read through these indexes (bench/metrics.py).

Certificates need no new index: the holders query reads the certificates in force at the
period's end, a large share of the table, and joins them to accounts by hash;
ix_certificates_account_valid_to already leads with account_id for per-account lookups.

On PostgreSQL the indexes are built CONCURRENTLY, so a large dossiers table keeps taking
writes while they are built.

Revision ID: 0007_metrics_indexes
Revises: 0006_capabilities_joined
Create Date: 2026-11-22
"""
from alembic import op

revision = "0007_metrics_indexes"
down_revision = "0006_capabilities_joined"
branch_labels = None
depends_on = None

INDEXES = (("ix_dossiers_received_at", "received_at"), ("ix_dossiers_finished_at", "finished_at"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, column in INDEXES:
                op.create_index(name, "dossiers", [column], postgresql_concurrently=True, if_not_exists=True)
        return
    for name, column in INDEXES:
        op.create_index(name, "dossiers", [column])


def downgrade() -> None:
    for name, _ in INDEXES:
        op.drop_index(name, table_name="dossiers")
