"""A RabbitMQ node of a test's own, to stop and start without touching the shared broker (5672).

    node = start_node("lianxin-fault1", 5801)     # AMQP on 127.0.0.1:5801, guest/guest, vhost "/"
    node.stop_app(); node.start_app()            # the broker restart of issue 13
    node.delete()                                # stops the node and removes its files

The node runs as the calling user (root here) with its own HOME, so its Erlang cookie, Mnesia
database and logs all live under ``.run/brokers/<name>/`` and nothing of the machine's node is
read or written. No eventlet or nameko here: any test or script may import it.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path("/usr/lib/rabbitmq/bin")  # the real scripts (/usr/sbin's wrappers su to rabbitmq)


@dataclass
class BrokerNode:
    name: str
    port: int
    base: pathlib.Path

    @property
    def node(self) -> str:
        return f"{self.name}@localhost"

    @property
    def amqp_uri(self) -> str:
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}//"

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "HOME": str(self.base), "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.port + 20000),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"), "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_PID_FILE": str(self.base / "node.pid"),
        })
        return env

    def ctl(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run([str(BIN / "rabbitmqctl"), "-n", self.node, *args], env=self.env(),
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {self.node}: {done.stderr or done.stdout}")
        return done.stdout

    def listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def wait_listening(self, up: bool = True, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.listening() != up:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.node}: port {self.port} {'not open' if up else 'still open'} "
                                   f"after {timeout:g}s")
            time.sleep(0.2)

    def stop_app(self) -> None:
        """Stops RabbitMQ inside the node: every connection is closed, the port refuses."""
        self.ctl("stop_app")
        self.wait_listening(False)

    def start_app(self) -> None:
        self.ctl("start_app")
        self.ctl("await_startup")
        self.wait_listening(True)

    def queues(self) -> dict[str, tuple[int, int]]:
        """queue name -> (ready, unacknowledged) messages, in the default vhost."""
        out = self.ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready",
                       "messages_unacknowledged")
        rows = (line.split() for line in out.splitlines() if line.strip())
        return {r[0]: (int(r[1]), int(r[2])) for r in rows if len(r) == 3}

    def add_vhost(self, vhost: str) -> str:
        """Creates ``vhost`` (guest may use it) and returns its AMQP URI."""
        self.ctl("add_vhost", vhost)
        self.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def stop(self) -> None:
        try:
            self.ctl("stop", timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired):
            pid = (self.base / "node.pid")
            if pid.exists():
                subprocess.run(["kill", "-9", pid.read_text().strip()], capture_output=True)

    def delete(self) -> None:
        """Stops the node and removes its files."""
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def start_node(name: str, port: int, base: pathlib.Path | None = None) -> BrokerNode:
    """Starts a fresh node ``name@localhost`` with AMQP on 127.0.0.1:``port`` (Erlang distribution
    on ``port + 20000``); a node of that name left by an earlier run is stopped and wiped first."""
    node = BrokerNode(name, port, base or ROOT / ".run" / "brokers" / name)
    if node.base.exists():
        node.delete()
    (node.base / "log").mkdir(parents=True)
    (node.base / "enabled_plugins").write_text("[].\n")  # no management plugin: faster, no extra port
    (node.base / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{port}\n"
                                             "loopback_users.guest = true\n")
    if node.listening():
        raise RuntimeError(f"port {port} is already taken: cannot start {node.node} there")
    subprocess.run([str(BIN / "rabbitmq-server"), "-detached"], env=node.env(), check=True,
                   capture_output=True, timeout=60)
    try:
        node.ctl("wait", str(node.base / "node.pid"), timeout=120)
        node.ctl("await_startup", timeout=120)
        node.wait_listening(True)
    except Exception:
        node.delete()
        raise
    return node
