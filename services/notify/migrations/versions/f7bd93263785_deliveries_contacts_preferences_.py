"""deliveries, contacts, preferences, assignment view, digests

Revision ID: f7bd93263785
Revises: a8c32cb0a12a
Create Date: 2026-11-23 08:46:44.295126
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'f7bd93263785'
down_revision = 'a8c32cb0a12a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assignment_view',
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('suggestion_id', sa.BigInteger(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('lead_unit_id', sa.BigInteger(), nullable=True),
    sa.Column('co_unit_ids', postgresql.ARRAY(sa.BigInteger()), server_default='{}', nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('supervised', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('leader', sa.String(length=200), nullable=True),
    sa.Column('event_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('assignment_id')
    )
    op.create_index(op.f('ix_assignment_view_lead_unit_id'), 'assignment_view', ['lead_unit_id'], unique=False)
    op.create_table('contacts',
    sa.Column('recipient', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=300), nullable=True),
    sa.Column('webhook_url', sa.String(length=1000), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('recipient')
    )
    op.create_table('digests',
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('notification_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'day')
    )
    op.create_table('preferences',
    sa.Column('recipient', sa.String(length=60), nullable=False),
    sa.Column('email', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('webhook', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('recipient')
    )
    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('notification_id', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_deliveries_due', 'deliveries', ['next_attempt_at'], unique=False, postgresql_where=sa.text("state = 'pending'"))
    op.create_index('uq_delivery_notification_channel', 'deliveries', ['notification_id', 'channel'], unique=True)
    op.create_table('delivery_dead_letters',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('delivery_id', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('replayed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('delivery_dead_letters')
    op.drop_index('uq_delivery_notification_channel', table_name='deliveries')
    op.drop_index('ix_deliveries_due', table_name='deliveries', postgresql_where=sa.text("state = 'pending'"))
    op.drop_table('deliveries')
    op.drop_table('preferences')
    op.drop_table('digests')
    op.drop_table('contacts')
    op.drop_index(op.f('ix_assignment_view_lead_unit_id'), table_name='assignment_view')
    op.drop_table('assignment_view')
