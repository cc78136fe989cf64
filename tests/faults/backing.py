"""A PostgreSQL server of the fault suite's own, so restarting it disturbs no other suite on the
machine (nor `make up`'s system); its RabbitMQ node is tests/brokers.py's.

It runs as the postgres system user from a scratch directory that is removed when it stops;
the port comes from the caller (shifted by LIANXIN_TEST_ID).
"""
import os
import pathlib
import shutil
import signal
import subprocess
import time

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
