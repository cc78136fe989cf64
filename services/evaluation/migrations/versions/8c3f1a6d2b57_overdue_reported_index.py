"""Overdue counted as two index ranges: ix_facts_reported_overdue, the unreplied rows reported
late (overdue_round = round) — the part of stats.OVERDUE that ix_facts_unreplied's due-date range
does not give

Revision ID: 8c3f1a6d2b57
Revises: 5d1f0c7b9e42
Create Date: 2026-11-30 18:45:00
"""
from alembic import op
import sqlalchemy as sa

revision = '8c3f1a6d2b57'
down_revision = '5d1f0c7b9e42'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_facts_reported_overdue', 'assignment_facts', ['due_at'],
                    postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling') AND overdue_round = round"),
                    postgresql_include=['unit_id', 'session', 'category', 'level'])


def downgrade() -> None:
    op.drop_index('ix_facts_reported_overdue', table_name='assignment_facts')
