"""Real dates and past-year imports (issue 15): suggestions.accepted_at; history_imports and
history_import_steps (a workbook's job and the steps done)

Revision ID: a9d3f1c7e2b4
Revises: a3b6d9e2c4f7
Create Date: 2026-11-29 22:30:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'a9d3f1c7e2b4'
down_revision = 'a3b6d9e2c4f7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('suggestions', sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
    # accepted before this revision: the time of the accepted step in the timeline
    op.execute("UPDATE suggestions s SET accepted_at = t.at FROM ("
               "SELECT suggestion_id, min(at) AS at FROM timeline WHERE type = 'accepted' GROUP BY suggestion_id"
               ") t WHERE t.suggestion_id = s.id")
    op.create_table(
        'history_imports',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('counts', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('plan', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('error', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_history_imports_sha256', 'history_imports', ['sha256'], unique=True)
    op.create_index('ix_history_imports_pending', 'history_imports', ['id'], unique=False,
                    postgresql_where=sa.text("status IN ('queued', 'running')"))
    op.create_table(
        'history_import_steps',
        sa.Column('import_id', sa.BigInteger(), nullable=False),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['history_imports.id']),
        sa.PrimaryKeyConstraint('import_id', 'key'),
    )


def downgrade() -> None:
    op.drop_table('history_import_steps')
    op.drop_index('ix_history_imports_pending', table_name='history_imports')
    op.drop_index('uq_history_imports_sha256', table_name='history_imports')
    op.drop_table('history_imports')
    op.drop_column('suggestions', 'accepted_at')
