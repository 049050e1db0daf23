"""meetings: setup step, note file names, forum organizations, import row fingerprints, finding parents

The index on findings.parent_id keeps deleting findings linear: each delete looks for the
strategies, policies and projects that point at it (ON DELETE SET NULL).

Revision ID: 0002_meetings
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_meetings'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setup_step', sa.String(length=16), nullable=True))

    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_name', sa.String(length=255), nullable=True))

    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization', sa.Text(), nullable=True))

    # No importer wrote import_rows before this revision, so the new column can be NOT NULL.
    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_import_rows_fingerprint'), ['fingerprint'])

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_parent_id'), ['parent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_parent_id'))

    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_import_rows_fingerprint'), type_='unique')
        batch_op.drop_column('fingerprint')

    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_column('organization')

    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_column('file_name')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('setup_step')
