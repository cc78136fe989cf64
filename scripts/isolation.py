"""Isolated copies of the system on one machine: their environment, and a clean start.

Used by the test suite (tests/conftest.py) and by benchmarks that start their own copy;
no eventlet here, so a threaded benchmark client may import it.
"""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]
SERVICES = ("suggestion", "assignment", "station", "evaluation", "notify", "identity")
DIRECT_URL = "postgresql+psycopg://root@127.0.0.1:5432"

# LIANXIN_TEST_ID=N gives a second checkout its own copies (names suffixed, ports
# shifted by N*300), so two suites can run on one machine at once.
TEST_ID = int(os.environ.get("LIANXIN_TEST_ID", "0") or 0)


def test_env(name: str, port_base: int) -> dict:
    """Environment of an isolated copy of the system: DB prefix, vhost, run dir, ports (gateway at
    port_base, services' metrics at +1…+5, the gateway's metrics at +6)."""
    if TEST_ID:
        name, port_base = f"{name}{TEST_ID}", port_base + 300 * TEST_ID
    env = dict(os.environ)
    env.update({
        "DB_PREFIX": f"lianxin_{name}", "AMQP_VHOST": f"lianxin_{name}",
        "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/lianxin_{name}",
        "RUN_DIR": str(ROOT / ".run" / name), "GATEWAY_ADDRESS": f"127.0.0.1:{port_base}",
        "PYTHONPATH": str(ROOT),
        # straight to PostgreSQL unless the copy is started with PGBOUNCER=1 (its own, on port_base + 9)
        "PGBOUNCER": "0", "DB_PGBOUNCER": "0", "PGBOUNCER_PORT": str(port_base + 9),
        "PG_URL": os.environ.get("PG_DIRECT_URL") or os.environ.get("PG_URL") or DIRECT_URL,
        # the daily digest is driven by the hour of the day (DIGEST_HOUR, local): off in a copy, whose
        # inboxes and reconciliations must not depend on when it runs (its own tests call run_digest)
        "DIGEST_INTERVAL": "0",
    })
    for i, svc in enumerate(SERVICES, start=1):
        env[f"{svc.upper()}_METRICS_ADDRESS"] = f"127.0.0.1:{port_base + i}"
    env["GATEWAY_METRICS_ADDRESS"] = f"127.0.0.1:{port_base + len(SERVICES) + 1}"
    return env


def drop_databases(env: dict) -> None:
    prefix = env["DB_PREFIX"]
    dbs = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "root", "-d", "postgres", "-Atc",
                          f"select datname from pg_database where datname like '{prefix}\\_%'"],
                         capture_output=True, text=True, check=True).stdout.split()
    for db in dbs:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "root", "-d", "postgres", "-qc",
                        f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'], check=True)


def reset(env: dict) -> None:
    """Drop the copy's databases and vhost, so every run starts clean."""
    subprocess.run(["bash", "scripts/system.sh"], cwd=ROOT, env=env, check=True)
    drop_databases(env)
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", env["AMQP_VHOST"]], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", env["AMQP_VHOST"]], check=True, capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", env["AMQP_VHOST"], "guest", ".*", ".*", ".*"],
                   check=True, capture_output=True)
