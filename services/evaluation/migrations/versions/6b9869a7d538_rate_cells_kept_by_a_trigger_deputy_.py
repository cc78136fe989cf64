"""rate cells kept by a trigger, deputy level on facts

The counters in rate_cells are what every rate sums (services/evaluation/stats.py); the
trigger keeps them in the transaction that changes assignment_facts. Its definitions of
replied / completed / on time / evaluated mirror stats.CELL_COUNTS, which rebuild.py uses
to recompute the cells from scratch: the reconciliation test compares the two.

Revision ID: 6b9869a7d538
Revises: 3fd8aa551af3
Create Date: 2026-11-23 09:02:50.229046
"""
from alembic import op
import sqlalchemy as sa


ADD_FUNCTION = """
CREATE FUNCTION rate_cells_add(f assignment_facts, s integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  k_session text := coalesce(f.session, '');
  k_category text := coalesce(f.category, '');
  k_level text := coalesce(f.level, '');
  k_class text := coalesce(f.result_class, '');
BEGIN
  INSERT INTO rate_cells AS c (session, lead_unit_id, category, level, result_class, assigned, replied, completed,
                               on_time, evaluated, satisfied, basic, dissatisfied)
  VALUES (k_session, f.lead_unit_id, k_category, k_level, k_class, s,
          s * (f.result_class IS NOT NULL)::int,
          s * (f.state IN ('replied', 'evaluated', 'closed') AND NOT coalesce(
               f.satisfaction = 'dissatisfied' AND NOT f.rating_final AND f.rating_round = f.round, false))::int,
          s * (coalesce(f.on_time, false) AND f.result_class IS NOT NULL)::int,
          s * (f.satisfaction IS NOT NULL)::int,
          s * coalesce(f.satisfaction = 'satisfied', false)::int,
          s * coalesce(f.satisfaction = 'basic', false)::int,
          s * coalesce(f.satisfaction = 'dissatisfied', false)::int)
  ON CONFLICT (session, lead_unit_id, category, level, result_class) DO UPDATE SET
    assigned = c.assigned + EXCLUDED.assigned, replied = c.replied + EXCLUDED.replied,
    completed = c.completed + EXCLUDED.completed, on_time = c.on_time + EXCLUDED.on_time,
    evaluated = c.evaluated + EXCLUDED.evaluated, satisfied = c.satisfied + EXCLUDED.satisfied,
    basic = c.basic + EXCLUDED.basic, dissatisfied = c.dissatisfied + EXCLUDED.dissatisfied;
  IF s < 0 THEN
    DELETE FROM rate_cells WHERE session = k_session AND lead_unit_id = f.lead_unit_id AND category = k_category
                             AND level = k_level AND result_class = k_class AND assigned = 0;
  END IF;
END $$
"""
SYNC_FUNCTION = """
CREATE FUNCTION rate_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.session, OLD.lead_unit_id, OLD.category, OLD.level, OLD.result_class, OLD.state,
                           OLD.round, OLD.on_time, OLD.satisfaction, OLD.rating_round, OLD.rating_final)
      IS NOT DISTINCT FROM (NEW.session, NEW.lead_unit_id, NEW.category, NEW.level, NEW.result_class, NEW.state,
                            NEW.round, NEW.on_time, NEW.satisfaction, NEW.rating_round, NEW.rating_final) THEN
    RETURN NULL;  -- nothing counted changed (e.g. only the due date or the title)
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM rate_cells_add(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM rate_cells_add(NEW, 1); END IF;
  RETURN NULL;
END $$
"""
TRUNCATE_FUNCTION = """
CREATE FUNCTION rate_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rate_cells;  -- (TRUNCATE fails when rate_cells is truncated in the same statement)
  RETURN NULL;
END $$
"""

revision = '6b9869a7d538'
down_revision = '3fd8aa551af3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_cells',
    sa.Column('session', sa.String(length=50), nullable=False),
    sa.Column('lead_unit_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('result_class', sa.String(length=5), nullable=False),
    sa.Column('assigned', sa.Integer(), nullable=False),
    sa.Column('replied', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('evaluated', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('basic', sa.Integer(), nullable=False),
    sa.Column('dissatisfied', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('session', 'lead_unit_id', 'category', 'level', 'result_class'),
    postgresql_with={"fillfactor": "50", "autovacuum_vacuum_scale_factor": "0",
                     "autovacuum_vacuum_threshold": "2000"}
    )
    op.add_column('assignment_facts', sa.Column('level', sa.String(length=20), nullable=True))
    op.create_index('ix_facts_unreplied', 'assignment_facts', ['due_at'], unique=False,
                    postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"),
                    postgresql_include=["lead_unit_id", "session", "category", "level", "round", "overdue_round"])
    op.execute("UPDATE assignment_facts f SET level = d.level FROM deputies d WHERE d.deputy_id = f.lead_deputy_id")
    op.execute(ADD_FUNCTION)
    op.execute(SYNC_FUNCTION)
    op.execute(TRUNCATE_FUNCTION)
    op.execute("SELECT rate_cells_add(f, 1) FROM assignment_facts f")  # the cells of facts already there
    op.execute("CREATE TRIGGER rate_cells_sync AFTER INSERT OR UPDATE OR DELETE ON assignment_facts "
               "FOR EACH ROW EXECUTE FUNCTION rate_cells_sync()")
    op.execute("CREATE TRIGGER rate_cells_truncate AFTER TRUNCATE ON assignment_facts "
               "FOR EACH STATEMENT EXECUTE FUNCTION rate_cells_truncate()")


def downgrade() -> None:
    op.execute("DROP TRIGGER rate_cells_truncate ON assignment_facts")
    op.execute("DROP TRIGGER rate_cells_sync ON assignment_facts")
    op.execute("DROP FUNCTION rate_cells_truncate(), rate_cells_sync(), rate_cells_add(assignment_facts, integer)")
    op.drop_index('ix_facts_unreplied', table_name='assignment_facts', postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))
    op.drop_column('assignment_facts', 'level')
    op.drop_table('rate_cells')
