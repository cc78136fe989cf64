"""The unit each urging went to (urgings.unit_id) and key supervision by several leaders and/or a
committee (supervisions.leaders [{sub, name}], leader nullable) (issue 15)

Revision ID: 50979c4d5d4a
Revises: b5e8f1a4c7d3
Create Date: 2026-11-29 22:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '50979c4d5d4a'
down_revision = 'b5e8f1a4c7d3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('urgings', sa.Column('unit_id', sa.BigInteger(), nullable=True))
    # urgings from before went to the lead unit of their time: the assignment's lead unit
    op.execute("UPDATE urgings u SET unit_id = a.lead_unit_id FROM assignments a WHERE a.id = u.assignment_id")
    op.add_column('supervisions', sa.Column('leaders', postgresql.JSONB(astext_type=sa.Text()),
                                            server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.alter_column('supervisions', 'leader', existing_type=sa.String(length=100), nullable=True)
    # a supervision from before had one leader, named as given: its sub from now on
    op.execute("UPDATE supervisions SET leaders = jsonb_build_array(jsonb_build_object('sub', leader, 'name', NULL))"
               " WHERE leader IS NOT NULL")
    op.create_index('ix_supervisions_leaders', 'supervisions', ['leaders'], unique=False, postgresql_using='gin')


def downgrade() -> None:
    op.drop_index('ix_supervisions_leaders', table_name='supervisions', postgresql_using='gin')
    op.execute("UPDATE supervisions SET leader = coalesce(leader, committee, '')")
    op.alter_column('supervisions', 'leader', existing_type=sa.String(length=100), nullable=False)
    op.drop_column('supervisions', 'leaders')
    op.drop_column('urgings', 'unit_id')
