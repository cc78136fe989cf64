"""Indexes for the staff's list sorted by number, deadline or status date (issue 19)

GET /suggestions?sort=number|-number|due_at|-due_at|status_at|-status_at orders by the column
with nulls last, then by id. Without an index each page sorted every listed suggestion (a
top-N sort over the whole table); with one the page is read in order and stops after its
rows. A B-tree read backwards gives nulls first, so each direction needs its own index. Partial
on what staff see (every status but draft), as ix_suggestions_listed.

Plain CREATE INDEX (the migration runs in a transaction): over a million rows each takes
seconds, during which writes to suggestions wait.

Revision ID: d4b8e2f6a1c3
Revises: c9e4b7a1d3f2
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4b8e2f6a1c3'
down_revision = 'c9e4b7a1d3f2'
branch_labels = None
depends_on = None

COLUMNS = ('number', 'due_at', 'status_at')


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(f'ix_suggestions_by_{column}', 'suggestions', [column, 'id'],
                        postgresql_where="status <> 'draft'")
        op.create_index(f'ix_suggestions_by_{column}_desc', 'suggestions',
                        [sa.text(f'{column} DESC NULLS LAST'), sa.text('id DESC')],
                        postgresql_where="status <> 'draft'")


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f'ix_suggestions_by_{column}_desc', table_name='suggestions')
        op.drop_index(f'ix_suggestions_by_{column}', table_name='suggestions')
