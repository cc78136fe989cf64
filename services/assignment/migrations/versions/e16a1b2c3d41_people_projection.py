"""People (issue 16): the identity service's accounts projected from identity.account_*/role_*
events: the people who may be named supervising leaders (holds: the leader role), display names, disabled

Revision ID: e16a1b2c3d41
Revises: 7e3a51c9d2b4
Create Date: 2026-11-30 02:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'e16a1b2c3d41'
down_revision = '7e3a51c9d2b4'
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
