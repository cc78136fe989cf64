"""statistics projection, event log, satisfaction tests, assessments

Revision ID: 3fd8aa551af3
Revises: a28bb3d28ef3
Create Date: 2026-11-23 08:48:56.927793
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '3fd8aa551af3'
down_revision = 'a28bb3d28ef3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_scores',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assessment_id', sa.BigInteger(), nullable=False),
    sa.Column('suggestion_id', sa.BigInteger(), nullable=False),
    sa.Column('assessor', sa.String(length=100), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_assessment_score', 'assessment_scores', ['assessment_id', 'suggestion_id', 'assessor'], unique=True)
    op.create_table('assessments',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('session', sa.String(length=50), nullable=True),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('suggestion_ids', postgresql.ARRAY(sa.BigInteger()), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('ballots',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('test_id', sa.BigInteger(), nullable=False),
    sa.Column('voter', sa.String(length=100), nullable=True),
    sa.Column('votes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_ballots_test_id'), 'ballots', ['test_id'], unique=False)
    op.create_index('uq_ballot_voter', 'ballots', ['test_id', 'voter'], unique=True)
    op.create_table('deputies',
    sa.Column('deputy_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('delegation', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('deputy_id')
    )
    op.create_index(op.f('ix_deputies_level'), 'deputies', ['level'], unique=False)
    op.create_table('event_log',
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('event_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('event_id')
    )
    op.create_table('satisfaction_tests',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('unit_ids', postgresql.ARRAY(sa.BigInteger()), nullable=False),
    sa.Column('voter_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.Column('tallies', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('suggestion_facts',
    sa.Column('suggestion_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('session', sa.String(length=50), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=True),
    sa.Column('lead_deputy_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('suggestion_id')
    )
    op.create_table('units',
    sa.Column('unit_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('code', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('unit_id')
    )
    op.add_column('assignment_facts', sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('assignment_facts', sa.Column('reply_round', sa.Integer(), nullable=True))
    op.add_column('assignment_facts', sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('assignment_facts', sa.Column('satisfaction', sa.String(length=20), nullable=True))
    op.add_column('assignment_facts', sa.Column('rating_round', sa.Integer(), nullable=True))
    op.add_column('assignment_facts', sa.Column('rating_final', sa.Boolean(), nullable=True))
    op.add_column('assignment_facts', sa.Column('overdue_round', sa.Integer(), nullable=True))
    op.add_column('assignment_facts', sa.Column('days_late', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_assignment_facts_category'), 'assignment_facts', ['category'], unique=False)
    op.create_index(op.f('ix_assignment_facts_lead_deputy_id'), 'assignment_facts', ['lead_deputy_id'], unique=False)
    op.create_index(op.f('ix_assignment_facts_session'), 'assignment_facts', ['session'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_assignment_facts_session'), table_name='assignment_facts')
    op.drop_index(op.f('ix_assignment_facts_lead_deputy_id'), table_name='assignment_facts')
    op.drop_index(op.f('ix_assignment_facts_category'), table_name='assignment_facts')
    op.drop_column('assignment_facts', 'days_late')
    op.drop_column('assignment_facts', 'overdue_round')
    op.drop_column('assignment_facts', 'rating_final')
    op.drop_column('assignment_facts', 'rating_round')
    op.drop_column('assignment_facts', 'satisfaction')
    op.drop_column('assignment_facts', 'replied_at')
    op.drop_column('assignment_facts', 'reply_round')
    op.drop_column('assignment_facts', 'due_at')
    op.drop_table('units')
    op.drop_table('suggestion_facts')
    op.drop_table('satisfaction_tests')
    op.drop_table('event_log')
    op.drop_index(op.f('ix_deputies_level'), table_name='deputies')
    op.drop_table('deputies')
    op.drop_index('uq_ballot_voter', table_name='ballots')
    op.drop_index(op.f('ix_ballots_test_id'), table_name='ballots')
    op.drop_table('ballots')
    op.drop_table('assessments')
    op.drop_index('uq_assessment_score', table_name='assessment_scores')
    op.drop_table('assessment_scores')
