"""handling, supervision, deadlines, precedents

Revision ID: 5ab6bf8c8463
Revises: 26e002af6cd0
Create Date: 2026-11-23 08:47:23.203679
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '5ab6bf8c8463'
down_revision = '26e002af6cd0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('co_opinions',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_co_opinions_assignment_id'), 'co_opinions', ['assignment_id'], unique=False)
    op.create_table('contacts',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_contacts_assignment_id'), 'contacts', ['assignment_id'], unique=False)
    op.create_table('deadline_marks',
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('assignment_id', 'due_at', 'kind', 'threshold')
    )
    op.create_table('disputes',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_disputes_assignment_id'), 'disputes', ['assignment_id'], unique=False)
    op.create_table('extensions',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('previous_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('new_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_extensions_assignment_id'), 'extensions', ['assignment_id'], unique=False)
    op.create_index('uq_extensions_pending', 'extensions', ['assignment_id'], unique=True, postgresql_where=sa.text("status = 'pending'"))
    op.create_table('precedents',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('suggestion_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('superseded', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_precedents_assignment_id'), 'precedents', ['assignment_id'], unique=False)
    op.create_table('reroutes',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('previous_lead_unit_id', sa.BigInteger(), nullable=False),
    sa.Column('previous_co_unit_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('lead_unit_id', sa.BigInteger(), nullable=False),
    sa.Column('co_unit_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reroutes_assignment_id'), 'reroutes', ['assignment_id'], unique=False)
    op.create_table('supervisions',
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('suggestion_id', sa.BigInteger(), nullable=False),
    sa.Column('leader', sa.String(length=100), nullable=False),
    sa.Column('committee', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('assignment_id'),
    sa.UniqueConstraint('suggestion_id')
    )
    op.create_table('urgings',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('days_late', sa.Integer(), nullable=False),
    sa.Column('letter', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_urgings_assignment_id'), 'urgings', ['assignment_id'], unique=False)
    op.add_column('assignments', sa.Column('routed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('assignments', sa.Column('supervised', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.add_column('replies', sa.Column('contact_before', sa.Boolean(), server_default=sa.text('true'), nullable=False))
    op.add_column('replies', sa.Column('follow_up_of', sa.BigInteger(), nullable=True))
    op.create_unique_constraint('uq_replies_follow_up_of', 'replies', ['follow_up_of'])
    op.create_foreign_key('fk_replies_follow_up_of', 'replies', 'replies', ['follow_up_of'], ['id'])
    op.execute("UPDATE assignments SET routed_at = created_at WHERE routed_at IS NULL")
    op.create_index('ix_assignments_handling_due', 'assignments', ['due_at'], unique=False,
                    postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))
    op.add_column('suggestion_facts', sa.Column('body', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('suggestion_facts', 'body')
    op.drop_index('ix_assignments_handling_due', table_name='assignments',
                  postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))
    op.drop_constraint('fk_replies_follow_up_of', 'replies', type_='foreignkey')
    op.drop_constraint('uq_replies_follow_up_of', 'replies', type_='unique')
    op.drop_column('replies', 'follow_up_of')
    op.drop_column('replies', 'contact_before')
    op.drop_column('assignments', 'supervised')
    op.drop_column('assignments', 'routed_at')
    op.drop_index(op.f('ix_urgings_assignment_id'), table_name='urgings')
    op.drop_table('urgings')
    op.drop_table('supervisions')
    op.drop_index(op.f('ix_reroutes_assignment_id'), table_name='reroutes')
    op.drop_table('reroutes')
    op.drop_index(op.f('ix_precedents_assignment_id'), table_name='precedents')
    op.drop_table('precedents')
    op.drop_index('uq_extensions_pending', table_name='extensions', postgresql_where=sa.text("status = 'pending'"))
    op.drop_index(op.f('ix_extensions_assignment_id'), table_name='extensions')
    op.drop_table('extensions')
    op.drop_index(op.f('ix_disputes_assignment_id'), table_name='disputes')
    op.drop_table('disputes')
    op.drop_table('deadline_marks')
    op.drop_index(op.f('ix_contacts_assignment_id'), table_name='contacts')
    op.drop_table('contacts')
    op.drop_index(op.f('ix_co_opinions_assignment_id'), table_name='co_opinions')
    op.drop_table('co_opinions')
