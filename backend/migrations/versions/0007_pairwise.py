"""pair_answers: citizens' answers on which of two problems matters more

Revision ID: 0007_pairwise
Revises: 0006_console
Create Date: 2026-12-07 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0007_pairwise'
down_revision: str | None = '0006b_console_pages'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'pair_answers',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('participants.id', ondelete='CASCADE', name=op.f('fk_pair_answers_participant_id_participants')), nullable=False),
        sa.Column('problem_low', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('problems.id', ondelete='CASCADE', name=op.f('fk_pair_answers_problem_low_problems')), nullable=False),
        sa.Column('problem_high', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('problems.id', ondelete='CASCADE', name=op.f('fk_pair_answers_problem_high_problems')), nullable=False),
        sa.Column('choice', sa.String(8), nullable=False),
        sa.Column('district', sa.String(40), nullable=False),
        sa.Column('answered_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_answers')),
        sa.UniqueConstraint('participant_id', 'problem_low', 'problem_high', name=op.f('uq_pair_answers_participant_id_problem_low_problem_high')),
    )
    op.create_index('ix_pair_answers_district', 'pair_answers', ['district'])


def downgrade() -> None:
    op.drop_index('ix_pair_answers_district', table_name='pair_answers')
    op.drop_table('pair_answers')
