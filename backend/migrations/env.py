"""Alembic environment: runs on the connection Meydan hands over (see backend.migrate)."""

from alembic import context

from backend.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
