"""Routing (issue 18): units' kind, level and region; precedents' co-units

Revision ID: f18c2d4e6a10
Revises: e16a1b2c3d41
Create Date: 2026-11-30 06:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'f18c2d4e6a10'
down_revision = 'e16a1b2c3d41'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('units', sa.Column('kind', sa.String(length=40), nullable=True))
    op.add_column('units', sa.Column('level', sa.String(length=20), nullable=True))
    op.add_column('units', sa.Column('region', sa.String(length=100), nullable=True))
    op.add_column('units', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('precedents', sa.Column('co_unit_ids', postgresql.JSONB(astext_type=sa.Text()),
                                          server_default=sa.text("'[]'::jsonb"), nullable=False))


def downgrade() -> None:
    op.drop_column('precedents', 'co_unit_ids')
    op.drop_column('units', 'updated_at')
    op.drop_column('units', 'region')
    op.drop_column('units', 'level')
    op.drop_column('units', 'kind')
