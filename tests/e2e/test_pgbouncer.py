"""A copy of the system started as `PGBOUNCER=1 make up` starts it: every service through a PgBouncer
of its own (transaction pooling, port base + 9), migrations straight to PostgreSQL.

Its own databases, vhost, ports and run dir (``pgb``), so it runs beside the main e2e copy.
"""
import subprocess

import pytest
from sqlalchemy import text

from scripts.isolation import ROOT
from scripts.isolation import test_env as isolated_env  # (imported as test_*, pytest would collect it)
from services.common.db import make_engine
from tests.e2e.client import OFFICE, Api, World
from tests.system import running_copy
from tests.polling import wait_for

ENV = isolated_env("pgb", 18150)
ENV.update({"PGBOUNCER": "1", "DB_POOL_SIZE": "3", "GATEWAY_PUBLIC_RATE": "100000"})
PORT = ENV["PGBOUNCER_PORT"]
SERVICES = ("suggestion", "assignment", "station", "evaluation", "notify")


def admin(command: str) -> list[list[str]]:
    """Rows of a PgBouncer admin console command (SHOW CLIENTS, SHOW POOLS ...), with the header row."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", PORT, "-U", "root", "-d", "pgbouncer", "-A", "-F", "\t",
                          "-P", "footer=off", "-c", command], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def as_dicts(rows: list[list[str]]) -> list[dict]:
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.fixture(scope="module")
def bounced():
    with running_copy(ENV):
        yield Api(f"http://{ENV['GATEWAY_ADDRESS']}")


def test_a_whole_lifecycle_through_pgbouncer(bounced):
    world = World(bounced)
    ids = [world.lifecycle() for _ in range(3)]  # the same statements many times over few connections
    for one in ids:  # closed by the events that follow the rating (evaluated → closed): asynchronous
        wait_for(lambda: bounced.get(f"/suggestions/{one['suggestion_id']}", world.deputy_token,
                                     expect=200).json()["status"] == "closed",
                 timeout=30, what=f"suggestion {one['suggestion_id']} closed")
    # lists set their planner settings per transaction here (no startup options through PgBouncer),
    # a keyword search its own as well: services/common/pgsettings.py
    made = [one["suggestion_id"] for one in ids][::-1]
    listed = bounced.get("/suggestions?limit=200", OFFICE, expect=200).json()["items"]
    assert [s["id"] for s in listed if s["id"] in made] == made
    searched = bounced.get("/suggestions?q=公交&limit=200", OFFICE, expect=200).json()["items"]
    assert [s["id"] for s in searched if s["id"] in made] == made
    # the asynchronous half (outbox relay → RabbitMQ → consumers) ran through PgBouncer too
    wait_for(lambda: sum(n["type"] == "assignment.replied" for n in world.inbox(world.deputy_token)) == 3,
             timeout=30, what="the three reply notifications")

    clients = as_dicts(admin("SHOW CLIENTS"))
    names = {c["application_name"] for c in clients}
    assert {f"lianxin-{svc}" for svc in SERVICES} <= names, f"services not connected through PgBouncer: {names}"
    # each service process keeps to its budget of client connections (DB_POOL_SIZE=3)
    for svc in SERVICES:
        assert sum(c["application_name"] == f"lianxin-{svc}" for c in clients) <= 3, clients
    pools = {p["database"]: p for p in as_dicts(admin("SHOW POOLS"))}
    assert pools[f"{ENV['DB_PREFIX']}_suggestion"]["pool_mode"] == "transaction"
    for svc in SERVICES:
        log = (ROOT / ENV["RUN_DIR"] / f"{svc}.log").read_text(errors="replace")
        assert "prepared statement" not in log, f"{svc} hit prepared statements behind PgBouncer"


def test_psycopg_prepares_nothing_behind_pgbouncer_and_that_is_needed(bounced):
    url = f"postgresql+psycopg://root@127.0.0.1:{PORT}/{ENV['DB_PREFIX']}_notify"

    def round_robin(pgbouncer: bool) -> None:
        # three client connections take turns, one transaction each: PgBouncer hands each turn
        # whichever server connection is free, so a statement one client prepared meets another
        engine = make_engine(url, pool_size=3, pgbouncer=pgbouncer)
        conns = [engine.connect() for _ in range(3)]
        try:
            for i in range(12):  # psycopg prepares a statement on its 5th run
                for conn in conns:
                    conn.execute(text("SELECT count(*) FROM outbox WHERE id > :i"), {"i": i})
                    conn.commit()
        finally:
            for conn in conns:
                conn.close()
            engine.dispose()

    round_robin(pgbouncer=True)
    with pytest.raises(Exception, match="prepared statement"):  # what DB_PGBOUNCER=1 prevents
        round_robin(pgbouncer=False)
