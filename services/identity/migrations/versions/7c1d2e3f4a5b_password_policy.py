"""password policy (one row)

Revision ID: 7c1d2e3f4a5b
Revises: 25a2946733eb
Create Date: 2026-11-30 02:05:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '7c1d2e3f4a5b'
down_revision = '25a2946733eb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('password_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('min_length', sa.Integer(), nullable=False),
    sa.Column('classes', sa.Integer(), nullable=False),
    sa.Column('history', sa.Integer(), nullable=False),
    sa.Column('lockout_threshold', sa.Integer(), nullable=False),
    sa.Column('lockout_minutes', sa.Integer(), nullable=False),
    sa.Column('idle_minutes', sa.Integer(), nullable=False),
    sa.Column('access_ttl_seconds', sa.Integer(), nullable=False),
    sa.Column('mfa_roles', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('id = 1', name='ck_password_policy_one_row'),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('password_policy')
