"""drafts, search terms, assignment projection, replies, unit names

Revision ID: 04352db01d77
Revises: ce338dff0b69
Create Date: 2026-11-23 08:48:35.808921
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '04352db01d77'
down_revision = 'ce338dff0b69'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_names',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('replies',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('suggestion_id', sa.BigInteger(), nullable=False),
    sa.Column('assignment_id', sa.BigInteger(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=True),
    sa.Column('result_class', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event_id', sa.UUID(as_uuid=False), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index(op.f('ix_replies_suggestion_id'), 'replies', ['suggestion_id'], unique=False)
    op.add_column('suggestions', sa.Column('withdraw_reason', sa.Text(), nullable=True))
    op.add_column('suggestions', sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('suggestions', sa.Column('lead_unit_id', sa.BigInteger(), nullable=True))
    op.add_column('suggestions', sa.Column('co_unit_ids', postgresql.ARRAY(sa.BigInteger()), server_default='{}', nullable=False))
    op.add_column('suggestions', sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('suggestions', sa.Column('search_terms', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False))
    op.create_index('ix_suggestions_co_units', 'suggestions', ['co_unit_ids'], unique=False, postgresql_using='gin')
    op.create_index('ix_suggestions_lead_unit', 'suggestions', ['lead_unit_id'], unique=False)
    op.create_index('ix_suggestions_merged_into', 'suggestions', ['merged_into_id'], unique=False)
    op.create_index('ix_suggestions_public', 'suggestions', ['id'], unique=False, postgresql_where='public')
    op.create_index('ix_suggestions_search', 'suggestions', ['search_terms'], unique=False, postgresql_using='gin')
    op.create_index('ix_suggestions_session_status', 'suggestions', ['session', 'status'], unique=False)
    op.create_index('uq_suggestions_station_opinion', 'suggestions', ['station_opinion_id'], unique=True,
                    postgresql_where='station_opinion_id IS NOT NULL')


def downgrade() -> None:
    op.drop_index('uq_suggestions_station_opinion', table_name='suggestions')
    op.drop_index('ix_suggestions_session_status', table_name='suggestions')
    op.drop_index('ix_suggestions_search', table_name='suggestions', postgresql_using='gin')
    op.drop_index('ix_suggestions_public', table_name='suggestions', postgresql_where='public')
    op.drop_index('ix_suggestions_merged_into', table_name='suggestions')
    op.drop_index('ix_suggestions_lead_unit', table_name='suggestions')
    op.drop_index('ix_suggestions_co_units', table_name='suggestions', postgresql_using='gin')
    op.drop_column('suggestions', 'search_terms')
    op.drop_column('suggestions', 'due_at')
    op.drop_column('suggestions', 'co_unit_ids')
    op.drop_column('suggestions', 'lead_unit_id')
    op.drop_column('suggestions', 'published_at')
    op.drop_column('suggestions', 'withdraw_reason')
    op.drop_index(op.f('ix_replies_suggestion_id'), table_name='replies')
    op.drop_table('replies')
    op.drop_table('unit_names')
