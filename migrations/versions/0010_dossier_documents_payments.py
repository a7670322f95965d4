"""dossier documents and payments: components, uploaded files, fees paid online

Procedures list the documents a dossier hands in (`components`, empty for older rows);
`dossier_documents` holds one row per uploaded file, its bytes in the document store under
their SHA-256. Dossiers say what they owe (`amount_due_vnd`); `payments` holds each payment
created at a gateway, its status and its receipt number.

Revision ID: 0010_dossier_documents_payments
Revises: 0008_event_columns
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_dossier_documents_payments"
down_revision = "0009_units_timeline"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("procedures") as batch:
        batch.add_column(sa.Column("components", JSON_DOCUMENT, server_default=sa.text("'[]'"), nullable=False))
    op.create_table(
        "dossier_documents",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("dossier_id", sa.BigInteger(), nullable=False),
        sa.Column("component_code", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name=op.f("fk_dossier_documents_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_documents")),
    )
    with op.batch_alter_table("dossier_documents") as batch:
        batch.create_index("ix_dossier_documents_dossier", ["dossier_id", "id"], unique=False)
        batch.create_index("ix_dossier_documents_storage_key", ["storage_key"], unique=False)


    _payments()
    _results()


def _results() -> None:
    with op.batch_alter_table("procedures") as batch:
        batch.add_column(sa.Column("yields_result", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.create_table(
        "dossier_results",
        sa.Column("dossier_id", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("certificate_serial", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name=op.f("fk_dossier_results_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("dossier_id", name=op.f("pk_dossier_results")),
    )


def _payments() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("amount_due_vnd", sa.BigInteger(), nullable=True))
    op.create_table(
        "payments",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("dossier_id", sa.BigInteger(), nullable=False),
        sa.Column("gateway", sa.String(length=40), nullable=False),
        sa.Column("gateway_ref", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=25), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("qr_payload", sa.Text(), nullable=False),
        sa.Column("pay_url", sa.String(length=500), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipt_number", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE",
                                name=op.f("fk_payments_dossier_id_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("gateway_ref", name=op.f("uq_payments_gateway_ref")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_payments_receipt_number")),
    )
    with op.batch_alter_table("payments") as batch:
        batch.create_index("ix_payments_dossier", ["dossier_id", "id"], unique=False)
        batch.create_index("ix_payments_paid_at", ["paid_at"], unique=False)


def downgrade() -> None:
    op.drop_table("dossier_results")
    with op.batch_alter_table("procedures") as batch:
        batch.drop_column("yields_result")
    op.drop_table("payments")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("amount_due_vnd")
    op.drop_table("dossier_documents")
    with op.batch_alter_table("procedures") as batch:
        batch.drop_column("components")
