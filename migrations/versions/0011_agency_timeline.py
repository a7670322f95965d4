"""agency timeline: agencies valid for a period, their successors, dossiers filed anywhere

Agencies get the 2025 unit they serve and a validity period; `agency_successors` says who
took over an agency that ended (many for a district committee, one of them the default).
A dossier keeps the service centre that received it and that centre's unit (Decree 118/2025).

Revision ID: 0011_agency_timeline
Revises: 0008_event_columns
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_agency_timeline"
down_revision = "0010_dossier_documents_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite cannot drop a table other tables refer to.
    op.add_column("agencies", sa.Column("unit_code", sa.String(length=10), nullable=True))
    op.add_column("agencies", sa.Column("valid_from", sa.Date(), nullable=True))
    op.add_column("agencies", sa.Column("valid_to", sa.Date(), nullable=True))
    op.create_index(op.f("ix_agencies_unit_code"), "agencies", ["unit_code"], unique=False)
    op.create_table(
        "agency_successors",
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("successor_code", sa.String(length=40), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["agency_code"], ["agencies.code"],
                                name=op.f("fk_agency_successors_agency_code_agencies")),
        sa.ForeignKeyConstraint(["successor_code"], ["agencies.code"],
                                name=op.f("fk_agency_successors_successor_code_agencies")),
        sa.PrimaryKeyConstraint("agency_code", "successor_code", name=op.f("pk_agency_successors")),
    )
    op.add_column("dossiers", sa.Column("receiving_unit_code", sa.String(length=10), nullable=True))
    op.add_column("dossiers", sa.Column("receiving_centre_code", sa.String(length=40), nullable=True))
    op.create_index(op.f("ix_dossiers_receiving_centre_code"), "dossiers", ["receiving_centre_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dossiers_receiving_centre_code"), table_name="dossiers")
    op.drop_column("dossiers", "receiving_centre_code")
    op.drop_column("dossiers", "receiving_unit_code")
    op.drop_table("agency_successors")
    op.drop_index(op.f("ix_agencies_unit_code"), table_name="agencies")
    op.drop_column("agencies", "valid_to")
    op.drop_column("agencies", "valid_from")
    op.drop_column("agencies", "unit_code")
