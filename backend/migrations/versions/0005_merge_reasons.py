"""problem_findings.reason: why integration put a finding in its problem (same place, same issue)

Revision ID: 0005_merge_reasons
Revises: 0004_outbox
Create Date: 2026-12-07 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_merge_reasons'
down_revision: str | None = '0004_outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('problem_findings') as batch:
        batch.add_column(sa.Column('reason', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('problem_findings') as batch:
        batch.drop_column('reason')
