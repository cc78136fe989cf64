"""Catalog version (issue 19): a token the office's scheme changes replace, so every worker can
keep the category schemes in memory and still see a change at once

Revision ID: a7d3f9c2e851
Revises: b2c7e9d4f1a6
Create Date: 2026-11-30 09:40:00
"""
from alembic import op

revision = 'a7d3f9c2e851'
down_revision = 'b2c7e9d4f1a6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE catalog_version (id integer PRIMARY KEY CHECK (id = 1), "
               "token uuid NOT NULL DEFAULT gen_random_uuid())")
    op.execute("INSERT INTO catalog_version (id) VALUES (1)")


def downgrade() -> None:
    op.execute("DROP TABLE catalog_version")
