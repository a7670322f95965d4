"""event columns: signature request events named as dossier events

Both event tables now say who moved (actor_kind, actor_account_id) and when (created_at)
the same way; signature_request_events had actor_role, actor_id and at. The API still
answers `actor_role` and `at` in a request's history (api/signatures/schemas.py maps them).
The foreign key on the actor follows the naming convention of its new column.

Revision ID: 0008_event_columns
Revises: 0007_metrics_indexes
Create Date: 2026-11-30
"""
from alembic import op

revision = "0008_event_columns"
down_revision = "0007_metrics_indexes"
branch_labels = None
depends_on = None

TABLE = "signature_request_events"
# old name -> new name
RENAMES = (("actor_role", "actor_kind"), ("actor_id", "actor_account_id"), ("at", "created_at"))


def _fk(column: str) -> str:
    return f"fk_{TABLE}_{column}_accounts"


def _rename(pairs: tuple[tuple[str, str], ...], actor_before: str, actor_after: str) -> None:
    # Two steps: SQLite's batch copy loses a key added on a column renamed in the same batch.
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(_fk(actor_before), type_="foreignkey")
        for old, new in pairs:
            batch.alter_column(old, new_column_name=new)
    with op.batch_alter_table(TABLE) as batch:
        batch.create_foreign_key(_fk(actor_after), "accounts", [actor_after], ["id"])


def upgrade() -> None:
    _rename(RENAMES, "actor_id", "actor_account_id")


def downgrade() -> None:
    _rename(tuple((new, old) for old, new in RENAMES), "actor_account_id", "actor_id")
