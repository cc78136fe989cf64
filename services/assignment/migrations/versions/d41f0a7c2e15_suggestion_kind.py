"""The suggestion's kind (session/recess) in suggestion_facts, for the assignments' kind filter (issue 15)

Revision ID: d41f0a7c2e15
Revises: c0d7bbe9248c
Create Date: 2026-11-29 20:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'd41f0a7c2e15'
down_revision = 'c0d7bbe9248c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # rows from before are NULL: their kind is known again at the suggestion's next accepted event
    op.add_column('suggestion_facts', sa.Column('kind', sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column('suggestion_facts', 'kind')
