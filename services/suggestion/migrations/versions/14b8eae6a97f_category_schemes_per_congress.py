"""Category schemes per congress (issue 15), the built-in taxonomy seeded as the default scheme

Revision ID: 14b8eae6a97f
Revises: cd658758c9a6
Create Date: 2026-11-29 22:50:00

The default scheme is seeded from the taxonomy file in force when the migration runs
(SUGGESTION_CATEGORIES_FILE, else the built-in categories.yml); the office manages schemes
through the API (/api/v1/category-schemes) from then on.
"""
import os
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

revision = '14b8eae6a97f'
down_revision = 'cd658758c9a6'
branch_labels = None
depends_on = None

BUILTIN = Path(__file__).resolve().parents[2] / "categories.yml"


def taxonomy() -> dict:
    path = os.environ.get("SUGGESTION_CATEGORIES_FILE") or BUILTIN
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(code): str(name) for code, name in data.items()}


def upgrade() -> None:
    schemes = op.create_table(
        'category_schemes',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('congress', sa.String(length=50), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('congress'),
    )
    categories = op.create_table(
        'scheme_categories',
        sa.Column('scheme_id', sa.BigInteger(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('parent', sa.String(length=30), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['scheme_id'], ['category_schemes.id']),
        sa.PrimaryKeyConstraint('scheme_id', 'code'),
    )
    scheme_id = op.get_bind().execute(
        schemes.insert().values(name="默认分类", congress="").returning(schemes.c.id)).scalar_one()
    op.bulk_insert(categories, [
        {"scheme_id": scheme_id, "code": code, "name": name, "parent": None, "active": True, "position": i}
        for i, (code, name) in enumerate(taxonomy().items())])


def downgrade() -> None:
    op.drop_table('scheme_categories')
    op.drop_table('category_schemes')
