"""the committee's workbench: a problem's public title; findings' intake flags and hiding

Revision ID: 0008_workbench
Revises: 0005_merge_reasons
Create Date: 2026-12-07 18:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0008_workbench'
down_revision: str | None = '0005_merge_reasons'
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


def downgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.drop_index(batch.f('ix_findings_hidden_at'))
        for column in ('hidden_by', 'hidden_reason', 'hidden_at', 'flags'):
            batch.drop_column(column)
    with op.batch_alter_table('problems') as batch:
        batch.drop_column('public_title')
