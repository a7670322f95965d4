"""ratings of decided dossiers, and the lower fee online (issue 16 points 6, 7)

`dossier_ratings` holds one rating per dossier (its agency copied, so averages need no join
to the owner), `dossier_rating_scores` its score per criterion; procedures may carry a lower
`online_fee_vnd` (null: online pays `fee`).

Revision ID: 0015_ratings
Revises: 0014_signatures_2025
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_ratings'
down_revision = '0014_signatures_2025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dossier_ratings',
    sa.Column('dossier_id', sa.BigInteger(), nullable=False),
    sa.Column('agency_code', sa.String(length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_ratings_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_ratings'))
    )
    with op.batch_alter_table('dossier_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_ratings_agency_created', ['agency_code', 'created_at'], unique=False)

    op.create_table('dossier_rating_scores',
    sa.Column('dossier_id', sa.BigInteger(), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier_ratings.dossier_id'], name=op.f('fk_dossier_rating_scores_dossier_id_dossier_ratings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', 'criterion', name=op.f('pk_dossier_rating_scores'))
    )
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_fee_vnd', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_column('online_fee_vnd')

    op.drop_table('dossier_rating_scores')
    with op.batch_alter_table('dossier_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_ratings_agency_created')

    op.drop_table('dossier_ratings')
