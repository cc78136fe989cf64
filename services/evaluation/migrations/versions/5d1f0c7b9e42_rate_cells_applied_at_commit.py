"""rate cells applied at commit, in key order, one delta per cell

Until now the row trigger rate_cells_sync upserted two rate cells (the row's old cell -1, its new
one +1) at once, for every counted change of an assignment_facts row. A transaction therefore
locked the (few, hot) cells at its first counted change and held them to its commit, while it went
on taking other rows' locks: the event consumer's batch (up to 50 events) and the rating RPC's
transaction waited for each other and deadlocked (deadlock_timeout: 1 s each time), and a cell was
updated (a new row version) once per change, hundreds of times in one batch.

Now the row trigger only stages its deltas in rate_cell_deltas (unlogged: its rows never outlive
their transaction) and, at the first of them in a transaction, queues one deferred constraint
trigger (a marker row in rate_cell_flushes). At commit that trigger applies the transaction's
deltas grouped by cell, one upsert per cell, in key order, and deletes cells left with no reply
due. Cells are locked only while the transaction commits, always in the same order: two
transactions sharing cells cannot deadlock on them. The counting definitions are those of
c4d2e8f1a9b3 (stats.CELL_COUNTS); rate_cells equal the rebuild at every commit. Within a
transaction that changed facts, rate_cells show the state before it until its commit.

Revision ID: 5d1f0c7b9e42
Revises: e16b4c5d6e72
Create Date: 2026-11-30 18:45:00
"""
from alembic import op

revision = '5d1f0c7b9e42'
down_revision = 'e16b4c5d6e72'
branch_labels = None
depends_on = None

KEYS = "session, unit_id, category, level, result_class"
COUNTS = ("assigned", "replies_due", "replied", "completed", "on_time", "evaluated", "satisfied", "basic",
          "dissatisfied")
PENDING = "lianxin.rate_cells_pending"  # transaction-local: a flush is queued

STAGE_FUNCTION = f"""
CREATE FUNCTION rate_cells_stage(f assignment_facts, s integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO rate_cell_deltas ({KEYS}, {", ".join(COUNTS)})
  VALUES (coalesce(f.session, ''), f.unit_id, coalesce(f.category, ''), coalesce(f.level, ''),
          coalesce(f.result_class, ''),
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
$$
"""
SYNC_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rate_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.session, OLD.unit_id, OLD.counts_assignment, OLD.category, OLD.level,
                           OLD.result_class, OLD.state, OLD.round, OLD.on_time, OLD.satisfaction, OLD.rating_round,
                           OLD.rating_final)
      IS NOT DISTINCT FROM (NEW.session, NEW.unit_id, NEW.counts_assignment, NEW.category, NEW.level,
                            NEW.result_class, NEW.state, NEW.round, NEW.on_time, NEW.satisfaction, NEW.rating_round,
                            NEW.rating_final) THEN
    RETURN NULL;  -- nothing counted changed (e.g. only the due date or the title)
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM rate_cells_stage(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM rate_cells_stage(NEW, 1); END IF;
  IF current_setting('{PENDING}', true) IS DISTINCT FROM 'on' THEN
    -- the transaction's first delta (since its last flush): one flush at its commit
    PERFORM set_config('{PENDING}', 'on', true);
    INSERT INTO rate_cell_flushes DEFAULT VALUES;
  END IF;
  RETURN NULL;
END $$
"""
SUMS = ", ".join(f"sum({c})::int AS {c}" for c in COUNTS)
ADDED = ", ".join(f"{c} = c.{c} + EXCLUDED.{c}" for c in COUNTS)
FLUSH_FUNCTION = f"""
CREATE FUNCTION rate_cells_flush() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k record;
BEGIN
  PERFORM set_config('{PENDING}', 'off', true);
  DELETE FROM rate_cell_flushes;
  -- one upsert per cell, in key order (the order every transaction locks cells in)
  FOR k IN
    WITH d AS (DELETE FROM rate_cell_deltas RETURNING *),
         g AS (SELECT {KEYS}, {SUMS} FROM d GROUP BY {KEYS})
    INSERT INTO rate_cells AS c ({KEYS}, {", ".join(COUNTS)})
    SELECT * FROM g WHERE ({", ".join(COUNTS)}) <> ({", ".join("0" for _ in COUNTS)})
    ORDER BY {KEYS}
    ON CONFLICT ({KEYS}) DO UPDATE SET {ADDED}
    RETURNING c.session, c.unit_id, c.category, c.level, c.result_class, c.replies_due
  LOOP
    IF k.replies_due = 0 THEN  -- no reply due counted here any more (so every count is 0)
      DELETE FROM rate_cells WHERE session = k.session AND unit_id = k.unit_id AND category = k.category
                               AND level = k.level AND result_class = k.result_class;
    END IF;
  END LOOP;
  RETURN NULL;
END $$
"""
TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION rate_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rate_cells;  -- (TRUNCATE fails when rate_cells is truncated in the same statement)
  DELETE FROM rate_cell_deltas;  -- this transaction's deltas of rows that are gone
  RETURN NULL;
END $$
"""
OLD_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION rate_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM rate_cells;  -- (TRUNCATE fails when rate_cells is truncated in the same statement)
  RETURN NULL;
END $$
"""
# rows live only inside their transaction: no WAL, vacuumed often
STAGING_OPTIONS = "WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)"


def upgrade() -> None:
    counts = ", ".join(f"{c} integer NOT NULL" for c in COUNTS)
    op.execute(f"CREATE UNLOGGED TABLE rate_cell_deltas (session varchar(50) NOT NULL, unit_id bigint NOT NULL, "
               f"category varchar(30) NOT NULL, level varchar(20) NOT NULL, result_class varchar(5) NOT NULL, "
               f"{counts}) {STAGING_OPTIONS}")
    op.execute(f"CREATE UNLOGGED TABLE rate_cell_flushes (txid bigint NOT NULL DEFAULT txid_current()) "
               f"{STAGING_OPTIONS}")
    op.execute(STAGE_FUNCTION)
    op.execute(FLUSH_FUNCTION)
    op.execute("CREATE CONSTRAINT TRIGGER rate_cells_flush AFTER INSERT ON rate_cell_flushes "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rate_cells_flush()")
    op.execute(SYNC_FUNCTION)  # (the trigger rate_cells_sync stays; its function now stages)
    op.execute(TRUNCATE_FUNCTION)


def downgrade() -> None:
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    path = Path(__file__).with_name("c4d2e8f1a9b3_facts_per_reply_separate_assignments.py")
    spec = spec_from_file_location("rate_cells_c4d2e8f1a9b3", path)
    previous = module_from_spec(spec)
    spec.loader.exec_module(previous)
    # the cells are complete at every commit: only the functions go back to updating them at once
    op.execute(previous.SYNC_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute(OLD_TRUNCATE_FUNCTION)
    op.execute("DROP TRIGGER rate_cells_flush ON rate_cell_flushes")
    op.execute("DROP FUNCTION rate_cells_flush(), rate_cells_stage(assignment_facts, integer)")
    op.execute("DROP TABLE rate_cell_flushes, rate_cell_deltas")
