"""Numbering series (issue 15): one series per session, or session (大会) and recess (闭会) apart

Revision ID: cd658758c9a6
Revises: ab12f1822b3e
Create Date: 2026-11-29 22:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'cd658758c9a6'
down_revision = 'ab12f1822b3e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "" is the one series of all a session's suggestions: every number given so far is of it
    op.add_column('number_sequences', sa.Column('series', sa.String(length=20), server_default='', nullable=False))
    op.drop_constraint('number_sequences_pkey', 'number_sequences', type_='primary')
    op.create_primary_key('number_sequences_pkey', 'number_sequences', ['session', 'series'])
    op.add_column('suggestions', sa.Column('number_series', sa.String(length=20), server_default='', nullable=False))
    op.add_column('suggestions', sa.Column('number_prefix', sa.String(length=20), server_default='', nullable=False))
    op.create_index('uq_suggestion_series_number', 'suggestions', ['session', 'number_series', 'number'], unique=True)
    op.drop_index('uq_suggestion_number', table_name='suggestions')


def downgrade() -> None:
    # fails (as it must) if two series of a session share a number
    op.create_index('uq_suggestion_number', 'suggestions', ['session', 'number'], unique=True)
    op.drop_index('uq_suggestion_series_number', table_name='suggestions')
    op.drop_column('suggestions', 'number_prefix')
    op.drop_column('suggestions', 'number_series')
    op.drop_constraint('number_sequences_pkey', 'number_sequences', type_='primary')
    op.execute("DELETE FROM number_sequences WHERE series <> ''")
    op.create_primary_key('number_sequences_pkey', 'number_sequences', ['session'])
    op.drop_column('number_sequences', 'series')
