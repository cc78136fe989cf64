"""Screening conversions (issue 15): 转为代表来信 / 转作参考材料 keep their reason

Revision ID: ab12f1822b3e
Revises: e4a7c9b1d2f3
Create Date: 2026-11-29 22:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'ab12f1822b3e'
down_revision = 'e4a7c9b1d2f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('suggestions', sa.Column('conversion_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('suggestions', 'conversion_reason')
