"""unreplied_cells: the unreplied reply rows counted per cell and due day, kept at commit

The overdue count was the one part of the rates still counted row by row (stats.OVERDUE_PARTS:
every unreplied row due before now, 50,000 index entries and ~9 ms at 2,000,000 facts). It depends
on the clock, but "unreplied and due on day D" does not: those counts are kept here by the same
machinery as rate_cells (the row trigger stages deltas in unreplied_cell_deltas, the commit applies
them one upsert per cell in key order, after rate_cells'), so a rebuild from the event log gives
the same rows. Overdue by the clock is then the cells of days before today plus the few rows due
earlier today (stats.counts). The due day is the UTC date of due_at.

The row trigger also reacts to a change of the due date alone now (an extension), which moves a
row between days; rate_cells get no deltas for it.

Revision ID: 9b2e7c4d1f60
Revises: 8c3f1a6d2b57
Create Date: 2026-12-01 04:30:00
"""
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from alembic import op

revision = '9b2e7c4d1f60'
down_revision = '8c3f1a6d2b57'
branch_labels = None
depends_on = None

KEYS = "session, unit_id, category, level, due_day"
UNREPLIED = "state IN ('assigned', 'signed', 'rehandling')"
DUE_DAY = "(due_at AT TIME ZONE 'UTC')::date"
PENDING = "lianxin.rate_cells_pending"


def _previous():
    """Migration 5d1f0c7b9e42's texts: its counting and flushing stay as they are."""
    path = Path(__file__).with_name("5d1f0c7b9e42_rate_cells_applied_at_commit.py")
    spec = spec_from_file_location("rate_cells_5d1f0c7b9e42", path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STAGE_FUNCTION = f"""
CREATE FUNCTION unreplied_cells_stage(f assignment_facts, s integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO unreplied_cell_deltas ({KEYS}, unreplied)
  SELECT coalesce(f.session, ''), f.unit_id, coalesce(f.category, ''), coalesce(f.level, ''),
         (f.due_at AT TIME ZONE 'UTC')::date, s
  WHERE f.state IN ('assigned', 'signed', 'rehandling') AND f.due_at IS NOT NULL
$$
"""
RATE_TUPLE = ("session", "unit_id", "counts_assignment", "category", "level", "result_class", "state", "round",
              "on_time", "satisfaction", "rating_round", "rating_final")
DUE_TUPLE = ("session", "unit_id", "category", "level", "state", "due_at")


def _changed(columns) -> str:
    return f"({', '.join('OLD.' + c for c in columns)}) IS DISTINCT FROM ({', '.join('NEW.' + c for c in columns)})"


SYNC_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rate_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  counted boolean := true;
  due boolean := true;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    counted := {_changed(RATE_TUPLE)};
    due := {_changed(DUE_TUPLE)};
  END IF;
  IF NOT (counted OR due) THEN
    RETURN NULL;  -- nothing counted changed (e.g. only the title)
  END IF;
  IF counted THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM rate_cells_stage(OLD, -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM rate_cells_stage(NEW, 1); END IF;
  END IF;
  IF due THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM unreplied_cells_stage(OLD, -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM unreplied_cells_stage(NEW, 1); END IF;
  END IF;
  IF current_setting('{PENDING}', true) IS DISTINCT FROM 'on' THEN
    -- the transaction's first delta (since its last flush): one flush at its commit
    PERFORM set_config('{PENDING}', 'on', true);
    INSERT INTO rate_cell_flushes DEFAULT VALUES;
  END IF;
  RETURN NULL;
END $$
"""
# rate_cells first, then unreplied_cells, each in key order: every transaction locks in that order
UNREPLIED_FLUSH = f"""
  FOR u IN
    WITH d AS (DELETE FROM unreplied_cell_deltas RETURNING *),
         g AS (SELECT {KEYS}, sum(unreplied)::int AS unreplied FROM d GROUP BY {KEYS})
    INSERT INTO unreplied_cells AS c ({KEYS}, unreplied)
    SELECT * FROM g WHERE unreplied <> 0
    ORDER BY {KEYS}
    ON CONFLICT ({KEYS}) DO UPDATE SET unreplied = c.unreplied + EXCLUDED.unreplied
    RETURNING c.session, c.unit_id, c.category, c.level, c.due_day, c.unreplied
  LOOP
    IF u.unreplied = 0 THEN
      DELETE FROM unreplied_cells WHERE session = u.session AND unit_id = u.unit_id AND category = u.category
                                    AND level = u.level AND due_day = u.due_day;
    END IF;
  END LOOP;
  RETURN NULL;
"""
TRUNCATE_EXTRA = "  DELETE FROM unreplied_cells;\n  DELETE FROM unreplied_cell_deltas;\n  RETURN NULL;"


def _flush_function(previous) -> str:
    text = previous.FLUSH_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    text = text.replace("DECLARE\n  k record;", "DECLARE\n  k record;\n  u record;", 1)
    head, tail = text.rsplit("  RETURN NULL;", 1)
    return head + UNREPLIED_FLUSH + tail


def _truncate_function(previous) -> str:
    head, tail = previous.TRUNCATE_FUNCTION.rsplit("  RETURN NULL;", 1)
    return head + TRUNCATE_EXTRA + tail


def upgrade() -> None:
    previous = _previous()
    op.execute("CREATE TABLE unreplied_cells (session varchar(50) NOT NULL, unit_id bigint NOT NULL, "
               "category varchar(30) NOT NULL, level varchar(20) NOT NULL, due_day date NOT NULL, "
               "unreplied integer NOT NULL, PRIMARY KEY (session, unit_id, category, level, due_day)) "
               "WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000)")
    op.execute("CREATE UNLOGGED TABLE unreplied_cell_deltas (session varchar(50) NOT NULL, unit_id bigint NOT NULL, "
               "category varchar(30) NOT NULL, level varchar(20) NOT NULL, due_day date NOT NULL, "
               f"unreplied integer NOT NULL) {previous.STAGING_OPTIONS}")
    op.execute(STAGE_FUNCTION)
    op.execute(_flush_function(previous))
    op.execute(SYNC_FUNCTION)
    op.execute(_truncate_function(previous))
    op.execute(f"INSERT INTO unreplied_cells ({KEYS}, unreplied) "
               f"SELECT coalesce(session, ''), unit_id, coalesce(category, ''), coalesce(level, ''), {DUE_DAY}, count(*) "
               f"FROM assignment_facts WHERE {UNREPLIED} AND due_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5")


def downgrade() -> None:
    previous = _previous()
    op.execute(previous.SYNC_FUNCTION)
    op.execute(previous.FLUSH_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute(previous.TRUNCATE_FUNCTION)
    op.execute("DROP FUNCTION unreplied_cells_stage(assignment_facts, integer)")
    op.execute("DROP TABLE unreplied_cell_deltas, unreplied_cells")
