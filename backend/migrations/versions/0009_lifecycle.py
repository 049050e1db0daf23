"""The lifecycle: stage events of problems and actions, what each contributor was told, /mute

Revision ID: 0009_lifecycle
Revises: 0008_workbench (after 0006_console; both merged in: the console serves the public pages, which show the public title)
Create Date: 2026-12-07 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0009_lifecycle'
down_revision: str | None = '0008_workbench'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'stage_events',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('body', sa.String(length=40), nullable=True),
        sa.Column('rank', sa.Integer(), nullable=True),
        sa.Column('percent', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column('at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_events')),
        sa.UniqueConstraint('key', name=op.f('uq_stage_events_key')),
    )
    op.create_index(op.f('ix_stage_events_subject_id'), 'stage_events', ['subject_id'], unique=False)
    op.create_table(
        'stage_notices',
        sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('finding_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.ForeignKeyConstraint(
            ['finding_id'], ['findings.id'], name=op.f('fk_stage_notices_finding_id_findings'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['participant_id'],
            ['participants.id'],
            name=op.f('fk_stage_notices_participant_id_participants'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('participant_id', 'finding_id', name=op.f('pk_stage_notices')),
    )
    with op.batch_alter_table('participants') as batch:
        batch.add_column(sa.Column('muted_at', backend.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('participants') as batch:
        batch.drop_column('muted_at')
    op.drop_table('stage_notices')
    op.drop_index(op.f('ix_stage_events_subject_id'), table_name='stage_events')
    op.drop_table('stage_events')
