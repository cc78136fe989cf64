"""Facts per reply (分办, issue 15): assignment_facts gets one row per handling unit of an assignment
(key assignment_id, unit_id); assignment_common (mode, units, shared facts) and co_opinions;
first_result_class / followed_up_at (跟踪办理); rate_cells per replying unit with assigned and
replies_due, its trigger redefined per reply row; ratings per handling unit (unit_id back-filled
with the lead unit, unique per assignment, unit and round), recorded_by

Revision ID: c4d2e8f1a9b3
Revises: e7a2c9d10b34
Create Date: 2026-11-29 22:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'c4d2e8f1a9b3'
down_revision = 'e7a2c9d10b34'
branch_labels = None
depends_on = None

# the definitions of stats.CELL_COUNTS, per reply row (rebuild.py recomputes the cells with those)
ADD_FUNCTION = """
CREATE FUNCTION rate_cells_add(f assignment_facts, s integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  k_session text := coalesce(f.session, '');
  k_category text := coalesce(f.category, '');
  k_level text := coalesce(f.level, '');
  k_class text := coalesce(f.result_class, '');
BEGIN
  INSERT INTO rate_cells AS c (session, unit_id, category, level, result_class, assigned, replies_due, replied,
                               completed, on_time, evaluated, satisfied, basic, dissatisfied)
  VALUES (k_session, f.unit_id, k_category, k_level, k_class,
          s * f.counts_assignment::int,
          s,
          s * (f.result_class IS NOT NULL)::int,
          s * (f.state IN ('replied', 'evaluated', 'closed') AND NOT coalesce(
               f.satisfaction = 'dissatisfied' AND NOT f.rating_final AND f.rating_round = f.round, false))::int,
          s * (coalesce(f.on_time, false) AND f.result_class IS NOT NULL)::int,
          s * (f.satisfaction IS NOT NULL)::int,
          s * coalesce(f.satisfaction = 'satisfied', false)::int,
          s * coalesce(f.satisfaction = 'basic', false)::int,
          s * coalesce(f.satisfaction = 'dissatisfied', false)::int)
  ON CONFLICT (session, unit_id, category, level, result_class) DO UPDATE SET
    assigned = c.assigned + EXCLUDED.assigned, replies_due = c.replies_due + EXCLUDED.replies_due,
    replied = c.replied + EXCLUDED.replied,
    completed = c.completed + EXCLUDED.completed, on_time = c.on_time + EXCLUDED.on_time,
    evaluated = c.evaluated + EXCLUDED.evaluated, satisfied = c.satisfied + EXCLUDED.satisfied,
    basic = c.basic + EXCLUDED.basic, dissatisfied = c.dissatisfied + EXCLUDED.dissatisfied;
  IF s < 0 THEN
    DELETE FROM rate_cells WHERE session = k_session AND unit_id = f.unit_id AND category = k_category
                             AND level = k_level AND result_class = k_class AND replies_due = 0;
  END IF;
END $$
"""
SYNC_FUNCTION = """
CREATE FUNCTION rate_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.session, OLD.unit_id, OLD.counts_assignment, OLD.category, OLD.level,
                           OLD.result_class, OLD.state, OLD.round, OLD.on_time, OLD.satisfaction, OLD.rating_round,
                           OLD.rating_final)
      IS NOT DISTINCT FROM (NEW.session, NEW.unit_id, NEW.counts_assignment, NEW.category, NEW.level,
                            NEW.result_class, NEW.state, NEW.round, NEW.on_time, NEW.satisfaction, NEW.rating_round,
                            NEW.rating_final) THEN
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
DROP_TRIGGERS = [
    "DROP TRIGGER rate_cells_truncate ON assignment_facts",
    "DROP TRIGGER rate_cells_sync ON assignment_facts",
    "DROP FUNCTION rate_cells_truncate(), rate_cells_sync(), rate_cells_add(assignment_facts, integer)",
]
CREATE_TRIGGERS = [
    "CREATE TRIGGER rate_cells_sync AFTER INSERT OR UPDATE OR DELETE ON assignment_facts "
    "FOR EACH ROW EXECUTE FUNCTION rate_cells_sync()",
    "CREATE TRIGGER rate_cells_truncate AFTER TRUNCATE ON assignment_facts "
    "FOR EACH STATEMENT EXECUTE FUNCTION rate_cells_truncate()",
]
CELL_OPTIONS = {"fillfactor": "50", "autovacuum_vacuum_scale_factor": "0", "autovacuum_vacuum_threshold": "2000"}
COUNT_COLUMNS = ("assigned", "replies_due", "replied", "completed", "on_time", "evaluated", "satisfied", "basic",
                 "dissatisfied")


def _rate_cells(unit_column: str, counts: tuple) -> None:
    op.create_table('rate_cells',
                    sa.Column('session', sa.String(length=50), nullable=False),
                    sa.Column(unit_column, sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('category', sa.String(length=30), nullable=False),
                    sa.Column('level', sa.String(length=20), nullable=False),
                    sa.Column('result_class', sa.String(length=5), nullable=False),
                    *[sa.Column(c, sa.Integer(), nullable=False) for c in counts],
                    sa.PrimaryKeyConstraint('session', unit_column, 'category', 'level', 'result_class'),
                    postgresql_with=CELL_OPTIONS)


def upgrade() -> None:
    for statement in DROP_TRIGGERS:
        op.execute(statement)
    op.drop_table('rate_cells')

    op.add_column('assignment_facts', sa.Column('unit_id', sa.BigInteger(), autoincrement=False, nullable=True))
    op.add_column('assignment_facts', sa.Column('mode', sa.String(length=10), server_default=sa.text("'lead'"),
                                                nullable=False))
    op.add_column('assignment_facts', sa.Column('counts_assignment', sa.Boolean(), server_default=sa.text('true'),
                                                nullable=False))
    op.add_column('assignment_facts', sa.Column('first_result_class', sa.String(length=5), nullable=True))
    op.add_column('assignment_facts', sa.Column('followed_up_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE assignment_facts SET unit_id = lead_unit_id")  # every row so far: a lead assignment
    op.alter_column('assignment_facts', 'unit_id', nullable=False)
    op.alter_column('assignment_facts', 'lead_unit_id', nullable=True)
    op.drop_constraint('assignment_facts_pkey', 'assignment_facts', type_='primary')
    op.create_primary_key('assignment_facts_pkey', 'assignment_facts', ['assignment_id', 'unit_id'])
    op.create_index(op.f('ix_assignment_facts_unit_id'), 'assignment_facts', ['unit_id'], unique=False)
    op.drop_index('ix_facts_unreplied', table_name='assignment_facts',
                  postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))
    op.create_index('ix_facts_unreplied', 'assignment_facts', ['due_at'], unique=False,
                    postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"),
                    postgresql_include=["unit_id", "session", "category", "level", "round", "overdue_round"])

    op.create_table('assignment_common',
                    sa.Column('assignment_id', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('mode', sa.String(length=10), nullable=False),
                    sa.Column('lead_unit_id', sa.BigInteger(), nullable=True),
                    sa.Column('handling_unit_ids', postgresql.ARRAY(sa.BigInteger()), nullable=False),
                    sa.Column('co_unit_ids', postgresql.ARRAY(sa.BigInteger()), nullable=False),
                    sa.Column('suggestion_id', sa.BigInteger(), nullable=False),
                    sa.Column('lead_deputy_id', sa.BigInteger(), nullable=True),
                    sa.Column('session', sa.String(length=50), nullable=True),
                    sa.Column('category', sa.String(length=30), nullable=True),
                    sa.Column('number', sa.String(length=20), nullable=True),
                    sa.Column('title', sa.String(length=200), nullable=True),
                    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('assignment_id'))
    # the co-units as the latest logged assignment event of each assignment named them
    op.execute("""
        INSERT INTO assignment_common (assignment_id, mode, lead_unit_id, handling_unit_ids, co_unit_ids,
                                       suggestion_id, lead_deputy_id, session, category, number, title, updated_at)
        SELECT f.assignment_id, 'lead', f.lead_unit_id, ARRAY[f.lead_unit_id],
               coalesce(ARRAY(SELECT jsonb_array_elements_text(e.payload->'co_unit_ids')::bigint), '{}'),
               f.suggestion_id, f.lead_deputy_id, f.session, f.category, f.number, f.title, f.updated_at
        FROM assignment_facts f
        LEFT JOIN (SELECT DISTINCT ON (payload->>'assignment_id') payload FROM event_log
                   WHERE type LIKE 'assignment.%' AND jsonb_typeof(payload->'co_unit_ids') = 'array'
                   ORDER BY payload->>'assignment_id', seq DESC) e
          ON e.payload->>'assignment_id' = f.assignment_id::text""")
    op.create_table('co_opinions',
                    sa.Column('assignment_id', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('unit_id', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('on_time', sa.Boolean(), nullable=False),
                    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('assignment_id', 'unit_id'))
    op.execute("""
        INSERT INTO co_opinions (assignment_id, unit_id, on_time, at)
        SELECT DISTINCT ON (payload->>'assignment_id', payload->>'unit_id')
               (payload->>'assignment_id')::bigint, (payload->>'unit_id')::bigint,
               coalesce((payload->>'on_time')::boolean, false), occurred_at
        FROM event_log WHERE type = 'assignment.co_opinion_added' AND payload ? 'unit_id'
        ORDER BY payload->>'assignment_id', payload->>'unit_id', occurred_at, seq""")

    _rate_cells('unit_id', COUNT_COLUMNS)
    op.execute(ADD_FUNCTION)
    op.execute(SYNC_FUNCTION)
    op.execute(TRUNCATE_FUNCTION)
    op.execute("SELECT rate_cells_add(f, 1) FROM assignment_facts f")  # the cells of facts already there
    for statement in CREATE_TRIGGERS:
        op.execute(statement)

    op.add_column('ratings', sa.Column('unit_id', sa.BigInteger(), nullable=True))
    op.add_column('ratings', sa.Column('recorded_by', sa.String(length=100), nullable=True))
    op.execute("UPDATE ratings r SET unit_id = f.lead_unit_id FROM assignment_facts f "
               "WHERE f.assignment_id = r.assignment_id")  # ratings so far: of the lead unit's reply
    op.drop_index('uq_rating_round', table_name='ratings')
    op.create_index('uq_rating_unit_round', 'ratings', ['assignment_id', 'unit_id', 'round'], unique=True)


def downgrade() -> None:
    # back to one row per assignment: separate assignments keep their first unit's row only
    op.drop_index('uq_rating_unit_round', table_name='ratings')
    op.execute("DELETE FROM ratings r USING ratings o WHERE o.assignment_id = r.assignment_id "
               "AND o.round = r.round AND o.id < r.id")
    op.create_index('uq_rating_round', 'ratings', ['assignment_id', 'round'], unique=True)
    op.drop_column('ratings', 'recorded_by')
    op.drop_column('ratings', 'unit_id')

    for statement in DROP_TRIGGERS:
        op.execute(statement)
    op.drop_table('rate_cells')
    op.drop_table('co_opinions')
    op.drop_table('assignment_common')
    op.execute("DELETE FROM assignment_facts WHERE NOT counts_assignment")
    op.execute("UPDATE assignment_facts SET lead_unit_id = unit_id WHERE lead_unit_id IS NULL")
    op.drop_index('ix_facts_unreplied', table_name='assignment_facts',
                  postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"))
    op.create_index('ix_facts_unreplied', 'assignment_facts', ['due_at'], unique=False,
                    postgresql_where=sa.text("state IN ('assigned', 'signed', 'rehandling')"),
                    postgresql_include=["lead_unit_id", "session", "category", "level", "round", "overdue_round"])
    op.drop_index(op.f('ix_assignment_facts_unit_id'), table_name='assignment_facts')
    op.drop_constraint('assignment_facts_pkey', 'assignment_facts', type_='primary')
    op.create_primary_key('assignment_facts_pkey', 'assignment_facts', ['assignment_id'])
    op.alter_column('assignment_facts', 'lead_unit_id', nullable=False)
    for column in ('followed_up_at', 'first_result_class', 'counts_assignment', 'mode', 'unit_id'):
        op.drop_column('assignment_facts', column)

    previous = _previous_revision()  # the per-assignment counters of 6b9869a7d538
    _rate_cells('lead_unit_id', tuple(c for c in COUNT_COLUMNS if c != 'replies_due'))
    op.execute(previous.ADD_FUNCTION)
    op.execute(previous.SYNC_FUNCTION)
    op.execute(TRUNCATE_FUNCTION)
    op.execute("SELECT rate_cells_add(f, 1) FROM assignment_facts f")
    for statement in CREATE_TRIGGERS:
        op.execute(statement)


def _previous_revision():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("6b9869a7d538_rate_cells_kept_by_a_trigger_deputy_.py")
    spec = importlib.util.spec_from_file_location("rate_cells_6b9869a7d538", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
