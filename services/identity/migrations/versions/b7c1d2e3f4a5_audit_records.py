"""audit records: the audit trail, immutable but for the retention purge

Revision ID: b7c1d2e3f4a5
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-30 02:05:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'b7c1d2e3f4a5'
down_revision = '7c1d2e3f4a5b'
branch_labels = None
depends_on = None

# UPDATE always refused; DELETE and TRUNCATE refused unless the transaction set
# lianxin.audit_purge = 'on' (SET LOCAL), which only the retention purge does
# (services/identity/audit_trail.py purge). No API route writes or deletes a record either.
IMMUTABLE = """
CREATE FUNCTION audit_records_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('lianxin.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% of audit records refused: the audit trail is append-only', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_records_immutable BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_immutable();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_immutable();
"""


def upgrade() -> None:
    op.create_table('audit_records',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('sub', sa.String(length=100), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('login', sa.String(length=100), nullable=True),
    sa.Column('path', sa.String(length=500), nullable=True),
    sa.Column('targets', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"),
              nullable=False),
    sa.Column('client', sa.String(length=100), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('request_id', sa.String(length=100), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('event_id', sa.UUID(as_uuid=False), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_audit_records_at', 'audit_records', ['at', 'id'], unique=False)
    op.create_index('ix_audit_records_sub_at', 'audit_records', ['sub', 'at'], unique=False)
    op.create_index('ix_audit_records_request_id', 'audit_records', ['request_id'], unique=False)
    op.create_index('ix_audit_records_targets', 'audit_records', ['targets'], unique=False,
                    postgresql_using='gin', postgresql_ops={'targets': 'jsonb_path_ops'})
    op.execute(IMMUTABLE)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_records_no_truncate ON audit_records")
    op.execute("DROP TRIGGER audit_records_immutable ON audit_records")
    op.execute("DROP FUNCTION audit_records_immutable()")
    op.drop_index('ix_audit_records_targets', table_name='audit_records')
    op.drop_index('ix_audit_records_request_id', table_name='audit_records')
    op.drop_index('ix_audit_records_sub_at', table_name='audit_records')
    op.drop_index('ix_audit_records_at', table_name='audit_records')
    op.drop_table('audit_records')
