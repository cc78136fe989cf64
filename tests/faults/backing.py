"""A RabbitMQ node and a PostgreSQL server of the fault suite's own, so stopping and
restarting them disturbs no other suite on the machine (nor `make up`'s system).

Both run as their system users (rabbitmq, postgres) from a scratch directory that is
removed when they stop; ports come from the caller (shifted by LIANXIN_TEST_ID).
"""
import os
import pathlib
import shutil
import signal
import subprocess
import time

RABBIT_BIN = pathlib.Path("/usr/lib/rabbitmq/bin")


def _as(user: str, args: list[str], env: dict | None = None, check: bool = True, timeout: float = 120):
    """Run ``args`` as ``user`` with ``env`` added to a minimal environment."""
    extra = [f"{k}={v}" for k, v in (env or {}).items()]
    return subprocess.run(["runuser", "-u", user, "--", "env", *extra, *args], capture_output=True, text=True,
                          check=check, timeout=timeout, cwd="/")


def _own(path: pathlib.Path, user: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    shutil.chown(path, user, user)


def _wait_gone(pid: int, timeout: float = 30) -> None:
    """Wait for a process this suite started to exit; kill it if it will not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)


class RabbitNode:
    """A second RabbitMQ node: its own name, ports, data and config; the machine's epmd and cookie."""

    def __init__(self, base: pathlib.Path, name: str, port: int):
        self.dir, self.node, self.port = base / "rabbit", f"{name}@localhost", port
        self.env = {
            "HOME": "/var/lib/rabbitmq",  # the machine's Erlang cookie: rabbitmqctl -n reaches the node
            "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(port),
            # distribution and CLI ports next to the AMQP one, clear of the main node's 25672/35672
            "RABBITMQ_DIST_PORT": str(port + 1),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"), "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(self.dir / "rabbitmq-env.conf"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    @property
    def uri(self) -> str:
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}//"

    def ctl(self, *args: str, check: bool = True, timeout: float = 120):
        return _as("rabbitmq", [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args], self.env, check, timeout)

    def start(self) -> None:
        self.remove()
        _own(self.dir, "rabbitmq")
        (self.dir / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        (self.dir / "enabled_plugins").write_text("[].\n")
        (self.dir / "rabbitmq-env.conf").write_text("")
        _as("rabbitmq", [str(RABBIT_BIN / "rabbitmq-server"), "-detached"], self.env)
        # `wait` follows the pid file until the node is up (await_startup needs it reachable first)
        self.ctl("wait", str(self.pidfile), "--timeout", "90", timeout=100)

    @property
    def pidfile(self) -> pathlib.Path:
        return self.dir / "mnesia" / f"{self.node}.pid"

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")

    def queues(self) -> dict[str, tuple[int, int]]:
        """queue name -> (ready, unacknowledged) messages."""
        out = self.ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready",
                       "messages_unacknowledged").stdout
        rows = (line.split() for line in out.splitlines() if line.strip())
        return {r[0]: (int(r[1]), int(r[2])) for r in rows if len(r) == 3}

    def remove(self) -> None:
        pid = int(self.pidfile.read_text().strip() or 0) if self.pidfile.exists() else 0
        if pid:
            self.ctl("stop", check=False, timeout=60)
            _wait_gone(pid)
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresServer:
    """An initdb'ed PostgreSQL server of its own (trust for root on 127.0.0.1, as the machine's)."""

    def __init__(self, base: pathlib.Path, port: int, max_connections: int = 200):
        self.dir, self.port, self.max_connections = base / "pg", port, max_connections
        bins = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name))
        self.bin = bins[-1].parent

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://root@127.0.0.1:{self.port}"

    def pg_ctl(self, *args: str, check: bool = True):
        return _as("postgres", [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), *args], check=check)

    def start(self) -> None:
        self.remove()
        _own(self.dir, "postgres")
        _as("postgres", [str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "root", "-A", "trust",
                         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
        # a scratch server: durability off makes it fast; nothing here outlives the suite
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   f"-c max_connections={self.max_connections} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off")
        self.pg_ctl("-o", options, "-l", str(self.dir / "server.log"), "-w", "start")

    def restart(self) -> None:
        """What an operator's restart does: running sessions are cut (AdminShutdown), then it is back."""
        self.pg_ctl("-m", "fast", "-l", str(self.dir / "server.log"), "-w", "restart")

    def remove(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            self.pg_ctl("-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
