"""民主测评 of the government's handling report as a whole: satisfaction_tests.subject (report/units)
and report_tally (issue 15); ballots may abstain (弃权, kept in the ballots' votes)

Revision ID: 3e077ea49574
Revises: 33c5f57a6ace
Create Date: 2026-11-29 23:00:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '3e077ea49574'
down_revision = '33c5f57a6ace'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('satisfaction_tests', sa.Column('subject', sa.String(length=10), server_default=sa.text("'units'"),
                                                  nullable=False))
    op.add_column('satisfaction_tests', sa.Column('report_tally', postgresql.JSONB(astext_type=sa.Text()),
                                                  nullable=True))


def downgrade() -> None:
    op.drop_column('satisfaction_tests', 'report_tally')
    op.drop_column('satisfaction_tests', 'subject')
