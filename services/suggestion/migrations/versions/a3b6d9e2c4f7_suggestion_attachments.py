"""Suggestion attachments (issue 15): photos and documents, stored in this database (bytea)

Revision ID: a3b6d9e2c4f7
Revises: f1d5a8c3b7e2
Create Date: 2026-11-29 22:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'a3b6d9e2c4f7'
down_revision = 'f1d5a8c3b7e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachments',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('suggestion_id', sa.BigInteger(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=100), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_attachments_suggestion_id'), 'attachments', ['suggestion_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_attachments_suggestion_id'), table_name='attachments')
    op.drop_table('attachments')
