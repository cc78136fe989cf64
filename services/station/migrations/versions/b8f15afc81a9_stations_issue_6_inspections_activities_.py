"""stations issue 6: inspections, activities, opinions, traceable points, intake rate limit

Revision ID: b8f15afc81a9
Revises: 1ea24a874754
Create Date: 2026-11-23 08:47:12.177702
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'b8f15afc81a9'
down_revision = '1ea24a874754'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intake_hits',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_intake_hits_at', 'intake_hits', ['at'], unique=False)
    op.create_index('ix_intake_hits_key_at', 'intake_hits', ['key', 'at'], unique=False)
    op.create_table('activities',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('deputy_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_activities_station_date', 'activities', ['station_id', 'date'], unique=False)
    op.create_index('ix_activities_type_date', 'activities', ['type', 'date'], unique=False)
    op.create_table('inspections',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('inspectors', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('scores', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('total', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_inspections_station_id'), 'inspections', ['station_id'], unique=False)
    op.create_table('opinions',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('activity_id', sa.BigInteger(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=True),
    sa.Column('deputy_id', sa.BigInteger(), nullable=True),
    sa.Column('disposed_by', sa.String(length=100), nullable=True),
    sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('suggestion_id', sa.BigInteger(), nullable=True),
    sa.Column('suggestion_number', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputies.id'], ),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_opinions_station_received', 'opinions', ['station_id', 'received_at'], unique=False)
    # points: "source" ("suggestion:9001") becomes source_type + source_id
    op.add_column('points', sa.Column('source_type', sa.String(length=20), nullable=True))
    op.add_column('points', sa.Column('source_id', sa.String(length=50), nullable=True))
    op.add_column('points', sa.Column('label', sa.Text(), nullable=True))
    op.add_column('points', sa.Column('event_id', sa.UUID(as_uuid=False), nullable=True))
    op.execute("UPDATE points SET source_type = split_part(source, ':', 1), "
               "source_id = substr(split_part(source, ':', 2), 1, 50)")
    op.execute("DELETE FROM points p USING points q WHERE p.id > q.id AND p.deputy_id = q.deputy_id "
               "AND p.reason = q.reason AND p.source_type = q.source_type AND p.source_id = q.source_id")
    op.alter_column('points', 'source_type', nullable=False)
    op.alter_column('points', 'source_id', nullable=False)
    op.create_unique_constraint('uq_points_source', 'points', ['deputy_id', 'reason', 'source_type', 'source_id'])
    op.drop_column('points', 'source')
    op.add_column('stations', sa.Column('standards_set_by', sa.String(length=100), nullable=True))
    op.add_column('stations', sa.Column('standards_set_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('stations', sa.Column('established_on', sa.Date(), nullable=True))
    op.drop_index(op.f('ix_stations_region'), table_name='stations')
    op.create_index(op.f('ix_stations_parent_id'), 'stations', ['parent_id'], unique=False)
    op.create_index('ix_stations_region_path', 'stations', ['region'], unique=False, postgresql_ops={'region': 'varchar_pattern_ops'})


def downgrade() -> None:
    op.drop_index('ix_stations_region_path', table_name='stations', postgresql_ops={'region': 'varchar_pattern_ops'})
    op.drop_index(op.f('ix_stations_parent_id'), table_name='stations')
    op.create_index(op.f('ix_stations_region'), 'stations', ['region'], unique=False)
    op.drop_column('stations', 'established_on')
    op.drop_column('stations', 'standards_set_at')
    op.drop_column('stations', 'standards_set_by')
    op.add_column('points', sa.Column('source', sa.TEXT(), autoincrement=False, nullable=True))
    op.execute("UPDATE points SET source = source_type || ':' || source_id")
    op.alter_column('points', 'source', nullable=False)
    op.drop_constraint('uq_points_source', 'points', type_='unique')
    op.drop_column('points', 'event_id')
    op.drop_column('points', 'label')
    op.drop_column('points', 'source_id')
    op.drop_column('points', 'source_type')
    op.drop_index('ix_opinions_station_received', table_name='opinions')
    op.drop_table('opinions')
    op.drop_index(op.f('ix_inspections_station_id'), table_name='inspections')
    op.drop_table('inspections')
    op.drop_index('ix_activities_type_date', table_name='activities')
    op.drop_index('ix_activities_station_date', table_name='activities')
    op.drop_table('activities')
    op.drop_index('ix_intake_hits_key_at', table_name='intake_hits')
    op.drop_index('ix_intake_hits_at', table_name='intake_hits')
    op.drop_table('intake_hits')
