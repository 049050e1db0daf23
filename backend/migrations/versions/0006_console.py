"""the console: one-time sign-in links, sessions, and indexes for the dashboard's figures

Revision ID: 0006_console
Revises: 0005_merge_reasons
Create Date: 2026-12-07 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.models.base import BigId, UTCDateTime

revision: str = '0006_console'
down_revision: str | None = '0005_merge_reasons'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DASHBOARD_INDEXES = [
    ('responses', 'started_at'),
    ('responses', 'completed_at'),
    ('participants', 'created_at'),
    ('findings', 'created_at'),
    ('meetings', 'held_on'),
]


def upgrade() -> None:
    op.create_table(
        'console_links',
        sa.Column('id', BigId, primary_key=True, autoincrement=True),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('messenger_id', sa.BigInteger(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_console_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_console_links_token_hash')),
    )
    op.create_table(
        'console_sessions',
        sa.Column('id', BigId, primary_key=True, autoincrement=True),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('messenger_id', sa.BigInteger(), nullable=False),
        sa.Column('last_seen_at', UTCDateTime(), nullable=False),
        sa.Column('ended_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_console_sessions_token_hash')),
    )
    op.create_index(op.f('ix_console_sessions_messenger_id'), 'console_sessions', ['messenger_id'])
    # the dashboard counts each of these by time over the last fortnight
    for table, column in DASHBOARD_INDEXES:
        op.create_index(f'ix_{table}_{column}', table, [column])


def downgrade() -> None:
    for table, column in DASHBOARD_INDEXES:
        op.drop_index(f'ix_{table}_{column}', table_name=table)
    op.drop_index(op.f('ix_console_sessions_messenger_id'), table_name='console_sessions')
    op.drop_table('console_sessions')
    op.drop_table('console_links')
