"""Deputies' contact details (issue 15): the roster projected from station.deputy_* events, so that
the units of an assignment reach the lead deputy for 面商

Revision ID: a9c4e6f2b8d1
Revises: d41f0a7c2e15
Create Date: 2026-11-29 22:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'a9c4e6f2b8d1'
down_revision = 'd41f0a7c2e15'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deputy_contacts',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=True),
        sa.Column('delegation', sa.String(length=100), nullable=True),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('email', sa.String(length=200), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('deputy_contacts')
