"""Search statistics and list indexes (from the read benchmark over 100,000 suggestions)

Revision ID: b7e1c2d3a4f5
Revises: 04352db01d77
"""
from alembic import op

revision = 'b7e1c2d3a4f5'
down_revision = '04352db01d77'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # common bigrams are far more frequent than the default sample says: with a larger
    # sample the planner stops choosing "read every match, then sort" for q=
    op.execute("ALTER TABLE suggestions ALTER COLUMN search_terms SET STATISTICS 1000")
    op.drop_index('ix_suggestions_session_status', table_name='suggestions')
    op.create_index('ix_suggestions_session_status', 'suggestions', ['session', 'status', 'id'])
    op.create_index('ix_suggestions_category', 'suggestions', ['category', 'id'])


def downgrade() -> None:
    op.drop_index('ix_suggestions_category', table_name='suggestions')
    op.drop_index('ix_suggestions_session_status', table_name='suggestions')
    op.create_index('ix_suggestions_session_status', 'suggestions', ['session', 'status'])
    op.execute("ALTER TABLE suggestions ALTER COLUMN search_terms SET STATISTICS -1")
