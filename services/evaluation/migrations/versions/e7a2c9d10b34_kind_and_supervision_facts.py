"""Rates by kind and by key supervision (issue 15): suggestion_facts.kind; assignment_facts.supervised,
leader, committee; filled from the events already logged

Revision ID: e7a2c9d10b34
Revises: 16d501d6b746
Create Date: 2026-11-29 20:25:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'e7a2c9d10b34'
down_revision = '16d501d6b746'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('suggestion_facts', sa.Column('kind', sa.String(length=10), nullable=True))
    op.create_index('ix_suggestion_facts_kind', 'suggestion_facts', ['kind'])
    op.add_column('assignment_facts', sa.Column('supervised', sa.Boolean(), server_default=sa.text('false'),
                                                nullable=False))
    op.add_column('assignment_facts', sa.Column('leader', sa.String(length=100), nullable=True))
    op.add_column('assignment_facts', sa.Column('committee', sa.String(length=200), nullable=True))
    # the projection is the replay of event_log: what the logged events said, the latest winning
    op.execute("""
        UPDATE suggestion_facts f SET kind = left(e.payload->>'kind', 10)
        FROM (SELECT DISTINCT ON (payload->>'suggestion_id') payload FROM event_log
              WHERE type LIKE 'suggestion.%' AND payload ? 'kind'
              ORDER BY payload->>'suggestion_id', seq DESC) e
        WHERE e.payload->>'suggestion_id' = f.suggestion_id::text""")
    op.execute("""
        UPDATE assignment_facts f SET supervised = true, leader = left(e.payload->>'leader', 100),
               committee = left(e.payload->>'committee', 200)
        FROM (SELECT DISTINCT ON (payload->>'assignment_id') payload FROM event_log
              WHERE type = 'assignment.supervision_set'
              ORDER BY payload->>'assignment_id', seq DESC) e
        WHERE e.payload->>'assignment_id' = f.assignment_id::text""")


def downgrade() -> None:
    op.drop_column('assignment_facts', 'committee')
    op.drop_column('assignment_facts', 'leader')
    op.drop_column('assignment_facts', 'supervised')
    op.drop_index('ix_suggestion_facts_kind', 'suggestion_facts')
    op.drop_column('suggestion_facts', 'kind')
