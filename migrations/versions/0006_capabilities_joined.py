"""Join the capability branches (health, signatures, dossiers, metrics) into one head.

Each capability branched from the foundation revision while they were built in
parallel; from here on there is one line of history.

Revision ID: 0006_capabilities_joined
Revises: 0002_health, 0003_signatures, 0004_dossiers, 0005_metrics
Create Date: 2026-11-22
"""

revision = "0006_capabilities_joined"
down_revision = ("0002_health", "0003_signatures", "0004_dossiers", "0005_metrics")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
