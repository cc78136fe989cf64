"""分办 (issue 15): assignments.mode and assigned_at; a handling unit's own state, round, due date,
reply and closing in assignment_units (role lead/co/separate); deadline marks per handling unit;
reroutes of separate assignments. Existing rows are lead-mode assignments: the lead's row takes
the assignment's state, round, due date, reply and closing; every mark is the lead unit's.

Revision ID: 7e3a51c9d2b4
Revises: 50979c4d5d4a
Create Date: 2026-11-29 22:25:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '7e3a51c9d2b4'
down_revision = '50979c4d5d4a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('assignments', sa.Column('mode', sa.String(length=10), server_default=sa.text("'lead'"),
                                           nullable=False))
    op.add_column('assignments', sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE assignments SET assigned_at = created_at")
    op.alter_column('assignments', 'lead_unit_id', existing_type=sa.BigInteger(), nullable=True)

    op.add_column('assignment_units', sa.Column('role', sa.String(length=10), server_default=sa.text("'co'"),
                                                nullable=False))
    for name, type_ in (('state', sa.String(length=20)), ('round', sa.Integer()),
                        ('due_at', sa.DateTime(timezone=True)), ('replied_at', sa.DateTime(timezone=True)),
                        ('closed_at', sa.DateTime(timezone=True))):
        op.add_column('assignment_units', sa.Column(name, type_, nullable=True))
    op.execute("""
        UPDATE assignment_units u SET role = 'lead', state = a.state, round = a.round, due_at = a.due_at,
               replied_at = a.replied_at, closed_at = a.closed_at
          FROM assignments a WHERE a.id = u.assignment_id AND u.is_lead""")
    op.create_index('ix_assignment_units_handling_due', 'assignment_units', ['due_at'], unique=False,
                    postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))

    op.alter_column('reroutes', 'previous_lead_unit_id', existing_type=sa.BigInteger(), nullable=True)
    op.alter_column('reroutes', 'lead_unit_id', existing_type=sa.BigInteger(), nullable=True)
    op.add_column('reroutes', sa.Column('previous_unit_ids', postgresql.JSONB(astext_type=sa.Text()),
                                        server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.add_column('reroutes', sa.Column('unit_ids', postgresql.JSONB(astext_type=sa.Text()),
                                        server_default=sa.text("'[]'::jsonb"), nullable=False))

    op.drop_index('uq_extensions_pending', table_name='extensions', postgresql_where=sa.text("status = 'pending'"))
    op.create_index('uq_extensions_pending', 'extensions', ['assignment_id', 'unit_id'], unique=True,
                    postgresql_where=sa.text("status = 'pending'"))

    op.add_column('deadline_marks', sa.Column('unit_id', sa.BigInteger(), nullable=True))
    op.execute("UPDATE deadline_marks m SET unit_id = a.lead_unit_id FROM assignments a "
               "WHERE a.id = m.assignment_id")
    op.execute("DELETE FROM deadline_marks WHERE unit_id IS NULL")
    op.alter_column('deadline_marks', 'unit_id', existing_type=sa.BigInteger(), nullable=False)
    op.drop_constraint('deadline_marks_pkey', 'deadline_marks', type_='primary')
    op.create_primary_key('deadline_marks_pkey', 'deadline_marks',
                          ['assignment_id', 'unit_id', 'due_at', 'kind', 'threshold'])


def downgrade() -> None:
    # separate assignments cannot be expressed before this revision: refuse rather than lose them
    op.execute("""DO $$ BEGIN IF EXISTS (SELECT 1 FROM assignments WHERE mode = 'separate') THEN
                  RAISE EXCEPTION 'separate assignments exist'; END IF; END $$""")
    op.drop_constraint('deadline_marks_pkey', 'deadline_marks', type_='primary')
    op.execute("""DELETE FROM deadline_marks m USING assignments a
                  WHERE a.id = m.assignment_id AND m.unit_id <> a.lead_unit_id""")
    op.create_primary_key('deadline_marks_pkey', 'deadline_marks', ['assignment_id', 'due_at', 'kind', 'threshold'])
    op.drop_column('deadline_marks', 'unit_id')
    op.drop_index('uq_extensions_pending', table_name='extensions', postgresql_where=sa.text("status = 'pending'"))
    op.create_index('uq_extensions_pending', 'extensions', ['assignment_id'], unique=True,
                    postgresql_where=sa.text("status = 'pending'"))
    op.drop_column('reroutes', 'unit_ids')
    op.drop_column('reroutes', 'previous_unit_ids')
    op.alter_column('reroutes', 'lead_unit_id', existing_type=sa.BigInteger(), nullable=False)
    op.alter_column('reroutes', 'previous_lead_unit_id', existing_type=sa.BigInteger(), nullable=False)
    op.drop_index('ix_assignment_units_handling_due', table_name='assignment_units',
                  postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))
    for name in ('closed_at', 'replied_at', 'due_at', 'round', 'state', 'role'):
        op.drop_column('assignment_units', name)
    op.alter_column('assignments', 'lead_unit_id', existing_type=sa.BigInteger(), nullable=False)
    op.drop_column('assignments', 'assigned_at')
    op.drop_column('assignments', 'mode')
