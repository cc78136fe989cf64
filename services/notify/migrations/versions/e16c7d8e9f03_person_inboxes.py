"""Per-person inboxes (issue 16): recipients ``person:<sub>`` are longer than the old keys
(notifications, contacts, preferences); assignment_view keeps the supervising leaders' subs

Revision ID: e16c7d8e9f03
Revises: dbe831950760
Create Date: 2026-11-30 02:10:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'e16c7d8e9f03'
down_revision = 'dbe831950760'
branch_labels = None
depends_on = None

TABLES = ('notifications', 'contacts', 'preferences')


def upgrade() -> None:
    for table in TABLES:  # widening a varchar rewrites nothing
        op.alter_column(table, 'recipient', type_=sa.String(length=120), existing_type=sa.String(length=60))
    op.add_column('assignment_view', sa.Column('leader_subs', postgresql.ARRAY(sa.String(length=100)),
                                               server_default='{}', nullable=False))


def downgrade() -> None:
    op.drop_column('assignment_view', 'leader_subs')
    for table in TABLES:
        op.alter_column(table, 'recipient', type_=sa.String(length=60), existing_type=sa.String(length=120))
