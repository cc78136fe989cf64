"""People (issue 16): the identity service's accounts projected from identity.account_*/role_*
events: the people who may be named assessors (holds: the assessor role), display names, disabled

Revision ID: e16b4c5d6e72
Revises: 853abe5e0983
Create Date: 2026-11-30 02:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'e16b4c5d6e72'
down_revision = '853abe5e0983'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'people',
        sa.Column('sub', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=True),
        sa.Column('disabled', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('holds', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('account_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('role_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('sub'),
    )


def downgrade() -> None:
    op.drop_table('people')
