"""Replies keep their unit and the deputy's rating (issue 15: the export's reply sheet)

Revision ID: b2c7e9d4f1a6
Revises: a9d3f1c7e2b4
Create Date: 2026-11-29 23:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'b2c7e9d4f1a6'
down_revision = 'a9d3f1c7e2b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('replies', sa.Column('unit_id', sa.BigInteger(), nullable=True))
    op.add_column('replies', sa.Column('satisfaction', sa.String(length=20), nullable=True))
    op.add_column('replies', sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('replies', 'evaluated_at')
    op.drop_column('replies', 'satisfaction')
    op.drop_column('replies', 'unit_id')
