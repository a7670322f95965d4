"""account language: the language an account reads its notifications and texts in (issue 17)

Vietnamese for every existing account; English on request (PATCH /api/v1/me).

Revision ID: 0018_account_language
Revises: 0017_public_ids_not_null
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0018_account_language'
down_revision = '0017_public_ids_not_null'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='vi', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('language')
