"""outbox: job runs, so each firing of a scheduled job runs once across processes and restarts

Revision ID: 0004_outbox
Revises: 0002_meetings
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision: str = '0004_outbox'
down_revision: str | None = '0002_meetings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.String(length=120), nullable=False),
    sa.Column('run_key', sa.String(length=40), nullable=False),
    sa.Column('owner', sa.String(length=80), nullable=False),
    sa.Column('started_at', backend.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', backend.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job_id', 'run_key', name=op.f('uq_job_runs_job_id_run_key'))
    )


def downgrade() -> None:
    op.drop_table('job_runs')
