"""Disclosure's end date and its withdrawal (issue 15): public_until/public_ends_at, unpublished_at/by, unpublish_reason

Revision ID: f1d5a8c3b7e2
Revises: 14b8eae6a97f
Create Date: 2026-11-29 22:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'f1d5a8c3b7e2'
down_revision = '14b8eae6a97f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('suggestions', sa.Column('public_until', sa.Date(), nullable=True))
    op.add_column('suggestions', sa.Column('public_ends_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('suggestions', sa.Column('unpublished_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('suggestions', sa.Column('unpublished_by', sa.String(length=100), nullable=True))
    op.add_column('suggestions', sa.Column('unpublish_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('suggestions', 'unpublish_reason')
    op.drop_column('suggestions', 'unpublished_by')
    op.drop_column('suggestions', 'unpublished_at')
    op.drop_column('suggestions', 'public_ends_at')
    op.drop_column('suggestions', 'public_until')
