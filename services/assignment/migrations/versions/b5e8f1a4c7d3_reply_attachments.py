"""Reply attachments (issue 15): the signed 答复函 and other files of a reply, stored in this database (bytea)

Revision ID: b5e8f1a4c7d3
Revises: a9c4e6f2b8d1
Create Date: 2026-11-29 22:45:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'b5e8f1a4c7d3'
down_revision = 'a9c4e6f2b8d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reply_attachments',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('assignment_id', sa.BigInteger(), nullable=False),
        sa.Column('reply_id', sa.BigInteger(), nullable=False),
        sa.Column('unit_id', sa.BigInteger(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=100), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id']),
        sa.ForeignKeyConstraint(['reply_id'], ['replies.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_reply_attachments_assignment_id'), 'reply_attachments', ['assignment_id'], unique=False)
    op.create_index(op.f('ix_reply_attachments_reply_id'), 'reply_attachments', ['reply_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reply_attachments_reply_id'), table_name='reply_attachments')
    op.drop_index(op.f('ix_reply_attachments_assignment_id'), table_name='reply_attachments')
    op.drop_table('reply_attachments')
