"""the committee's workbench: a problem's public title

Revision ID: 0008_workbench
Revises: 0005_merge_reasons
Create Date: 2026-12-07 18:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_workbench'
down_revision: str | None = '0006_console'  # chained here so the loop branch has one head (the integrator re-chains)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('problems') as batch:
        batch.add_column(sa.Column('public_title', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('problems') as batch:
        batch.drop_column('public_title')
