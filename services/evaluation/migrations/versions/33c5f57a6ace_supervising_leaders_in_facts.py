"""The supervising leaders' subs in assignment_facts.leaders (key supervision by several leaders,
issue 15), filled from the supervision_set events already logged

Revision ID: 33c5f57a6ace
Revises: c4d2e8f1a9b3
Create Date: 2026-11-29 22:50:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '33c5f57a6ace'
down_revision = 'c4d2e8f1a9b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('assignment_facts', sa.Column('leaders', postgresql.ARRAY(sa.String(length=100)), nullable=True))
    op.execute("""
        UPDATE assignment_facts f SET leaders = CASE
               WHEN jsonb_typeof(e.payload->'leaders') = 'array' AND jsonb_array_length(e.payload->'leaders') > 0
               THEN ARRAY(SELECT left(x->>'sub', 100) FROM jsonb_array_elements(e.payload->'leaders') x
                          WHERE x->>'sub' IS NOT NULL)
               WHEN e.payload->>'leader' IS NOT NULL THEN ARRAY[left(e.payload->>'leader', 100)]
               ELSE '{}' END
        FROM (SELECT DISTINCT ON (payload->>'assignment_id') payload FROM event_log
              WHERE type = 'assignment.supervision_set'
              ORDER BY payload->>'assignment_id', seq DESC) e
        WHERE e.payload->>'assignment_id' = f.assignment_id::text""")


def downgrade() -> None:
    op.drop_column('assignment_facts', 'leaders')
