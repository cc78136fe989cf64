"""Third-party assessors named on an assessment (assessments.assessors: the subs of assessor tokens),
issue 15

Revision ID: 853abe5e0983
Revises: 3e077ea49574
Create Date: 2026-11-29 23:10:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '853abe5e0983'
down_revision = '3e077ea49574'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('assessments', sa.Column('assessors', postgresql.ARRAY(sa.String(length=100)),
                                           server_default=sa.text("'{}'"), nullable=False))


def downgrade() -> None:
    op.drop_column('assessments', 'assessors')
