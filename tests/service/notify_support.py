"""What notify's service tests need from outside: a real SMTP server, a real webhook receiver."""
import json
import pathlib
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from services.notify.policy import verify
from tests.conftest import ROOT
from tests.service.conftest import truncate

SECRET = "test-webhook-secret"
NOTIFY_TABLES = ("notifications", "deliveries", "delivery_dead_letters", "contacts", "preferences",
                 "assignment_view", "digests", "outbox", "processed_events", "dead_letters")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailSink:
    """aiosmtpd in its own process (STARTTLS with a fresh self-signed certificate, AUTH required)."""

    USER, PASSWORD = "lianxin", "mail-pass"

    def __init__(self, tmp: pathlib.Path):
        self.dir = tmp / "mail"
        self.dir.mkdir()
        self.cert, self.key = tmp / "cert.pem", tmp / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-keyout", str(self.key), "-out", str(self.cert), "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "service" / "mail_sink.py"), "--port", str(self.port),
             "--dir", str(self.dir), "--user", self.USER, "--password", self.PASSWORD,
             "--cert", str(self.cert), "--key", str(self.key)], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def config(self, **overrides) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_TLS": "starttls",
                "SMTP_USER": self.USER, "SMTP_PASSWORD": self.PASSWORD, "SMTP_CA_FILE": str(self.cert),
                "SMTP_FROM": "lianxin@rd.example.cn", "SMTP_TIMEOUT": 5, **overrides}

    def messages(self) -> list[dict]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.dir.glob("*.json"))]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class WebhookReceiver:
    """An HTTP server that checks X-Lianxin-Signature; ``fail`` makes it answer 500."""

    def __init__(self, secret: str = SECRET):
        receiver = self
        self.secret = secret
        self.received: list[dict] = []
        self.rejected = 0
        self.failed = 0
        self.fail = False
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    if not verify(receiver.secret, body, self.headers.get("X-Lianxin-Signature")):
                        receiver.rejected += 1
                        status = 401
                    elif receiver.fail:
                        receiver.failed += 1
                        status = 500
                    else:
                        receiver.received.append({"path": self.path, "json": json.loads(body),
                                                  "key": self.headers.get("Idempotency-Key")})
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def keys(self) -> list[str]:
        with self.lock:
            return [r["key"] for r in self.received]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mail_sink(tmp_path):
    sink = MailSink(tmp_path)
    yield sink
    sink.stop()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def clean_notify(db):
    engine = db("notify")
    truncate(engine, *NOTIFY_TABLES)
    return engine


def rows(engine, sql: str, **params) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def value(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


class NotifyProcess:
    """notify as `nameko run` starts it, in its own process (so SIGKILL is a real crash)."""

    def __init__(self, log_path: pathlib.Path, **settings):
        import os

        from tests.service.conftest import ENV

        port = free_port()
        env = {**ENV, "NOTIFY_METRICS_ADDRESS": f"127.0.0.1:{port}", "PSYCOPG_WAIT_FUNC": "wait_select",
               **{k: str(v) for k, v in settings.items()}}
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "nameko"), "run", "--config", "services/notify/config.yml",
             "services.notify.service:NotifyService"], cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        self.healthz = f"http://127.0.0.1:{port}/healthz"
        self.os = os

    def wait_ready(self) -> None:
        import requests

        from tests.polling import wait_for

        def up():
            assert self.process.poll() is None, "notify exited"
            try:
                return requests.get(self.healthz, timeout=1).status_code == 200
            except requests.RequestException:
                return False
        wait_for(up, timeout=30, what="notify process ready")

    def kill(self) -> None:
        import signal

        if self.process.poll() is None:
            self.os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()
