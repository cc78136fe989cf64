"""Indexes for lists at national scale (issue 19, bench/read.py over 1,000,000 suggestions)

A list counts its rows up to a cap (views.LIST_COUNT_CAP) and pages newest first; these let
PostgreSQL do both from the index alone (index-only scans, the status filter read from the
index), not from the table's wide rows:
- ix_suggestions_listed: what staff see (every status but draft), by id;
- ix_suggestions_category: the category filter, with the status it is filtered on;
- ix_suggestions_public: published ones, with what the public filter reads.

Plain CREATE INDEX (the migration runs in a transaction): over a million rows each takes
seconds to tens of seconds, during which writes to suggestions wait.

Revision ID: c9e4b7a1d3f2
Revises: a7d3f9c2e851
"""
from alembic import op

revision = 'c9e4b7a1d3f2'
down_revision = 'a7d3f9c2e851'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_suggestions_listed', 'suggestions', ['id'], postgresql_where="status <> 'draft'")
    op.drop_index('ix_suggestions_category', table_name='suggestions')
    op.create_index('ix_suggestions_category', 'suggestions', ['category', 'id'], postgresql_include=['status'])
    op.drop_index('ix_suggestions_public', table_name='suggestions')
    op.create_index('ix_suggestions_public', 'suggestions', ['id'], postgresql_include=['status', 'public_ends_at'],
                    postgresql_where='public')


def downgrade() -> None:
    op.drop_index('ix_suggestions_public', table_name='suggestions')
    op.create_index('ix_suggestions_public', 'suggestions', ['id'], postgresql_where='public')
    op.drop_index('ix_suggestions_category', table_name='suggestions')
    op.create_index('ix_suggestions_category', 'suggestions', ['category', 'id'])
    op.drop_index('ix_suggestions_listed', table_name='suggestions')
