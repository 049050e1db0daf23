"""the committee's workbench: a problem's public title; findings' intake flags and hiding;
suggested merges; saved versions of the ranking's weights

Revision ID: 0008_workbench
Revises: 0006_console
Create Date: 2026-12-07 18:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0008_workbench'
down_revision: str | None = '0007_pairwise'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('problems') as batch:
        batch.add_column(sa.Column('public_title', sa.Text(), nullable=True))
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('flags', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('hidden_at', backend.models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('hidden_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('hidden_by', sa.String(length=80), nullable=True))
        batch.create_index(batch.f('ix_findings_hidden_at'), ['hidden_at'], unique=False)
    op.create_table('problem_suggestions',
    sa.Column('problem_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('other_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('similarity', sa.Double(), nullable=False),
    sa.Column('shared', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['other_id'], ['problems.id'], name=op.f('fk_problem_suggestions_other_id_problems'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_problem_suggestions_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('problem_id', 'other_id', name=op.f('pk_problem_suggestions'))
    )
    op.create_index(op.f('ix_problem_suggestions_other_id'), 'problem_suggestions', ['other_id'], unique=False)
    op.create_table('weight_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('consistency_ratio', sa.Double(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('ranking', sa.JSON(), nullable=False),
    sa.Column('created_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_versions'))
    )


def downgrade() -> None:
    op.drop_table('weight_versions')
    op.drop_index(op.f('ix_problem_suggestions_other_id'), table_name='problem_suggestions')
    op.drop_table('problem_suggestions')
    with op.batch_alter_table('findings') as batch:
        batch.drop_index(batch.f('ix_findings_hidden_at'))
        for column in ('hidden_by', 'hidden_reason', 'hidden_at', 'flags'):
            batch.drop_column(column)
    with op.batch_alter_table('problems') as batch:
        batch.drop_column('public_title')
