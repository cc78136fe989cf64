"""Published texts (issue 13): title, body and replies as the public site shows them, masked

Revision ID: e4a7c9b1d2f3
Revises: df8963f05e82
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'e4a7c9b1d2f3'
down_revision = 'df8963f05e82'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('suggestions', sa.Column('public_title', sa.String(length=200), nullable=True))
    op.add_column('suggestions', sa.Column('public_body', sa.Text(), nullable=True))
    op.add_column('replies', sa.Column('public_content', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('replies', 'public_content')
    op.drop_column('suggestions', 'public_body')
    op.drop_column('suggestions', 'public_title')
