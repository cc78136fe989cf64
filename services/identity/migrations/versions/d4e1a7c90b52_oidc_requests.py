"""oidc requests: single sign-on's state, nonce and PKCE verifier, used once

Revision ID: d4e1a7c90b52
Revises: 7c828cdd4d10
Create Date: 2026-11-30 02:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'd4e1a7c90b52'
down_revision = '7c828cdd4d10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oidc_requests',
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=100), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('return_to', sa.String(length=500), nullable=False),
    sa.Column('binding_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('state_hash')
    )
    op.create_index(op.f('ix_oidc_requests_expires_at'), 'oidc_requests', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_oidc_requests_expires_at'), table_name='oidc_requests')
    op.drop_table('oidc_requests')
