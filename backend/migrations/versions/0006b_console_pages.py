"""invites.revoked_at: an admin can revoke an invite from the console before it is used

Revision ID: 0006b_console_pages
Revises: 0006_console (this branch merges the console foundation)
Create Date: 2026-12-07 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0006b_console_pages'
down_revision: str | None = '0006_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invites') as batch:
        batch.add_column(sa.Column('revoked_at', backend.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('invites') as batch:
        batch.drop_column('revoked_at')
