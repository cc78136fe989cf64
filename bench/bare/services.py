"""The bare pipeline's three nameko services, each run in its own process by bench/baseline.py.

bare_front (HTTP) → RPC bare_store.submit: INSERT a submission and commit, then dispatch
``submitted`` → bare_sink's handler: INSERT what it received. Plain nameko defaults, no outbox, no
idempotency, no validation: the floor our submission path is compared with. Both tables stamp
clock_timestamp(), so the bench reads the bare fan-out lag from them.
"""
import os

# psycopg's compiled wait blocks the eventlet hub (services/common/db.py): choose the pure one first
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import json  # noqa: E402

from nameko.events import EventDispatcher, event_handler  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from nameko.rpc import RpcProxy, rpc  # noqa: E402
from nameko.web.handlers import http  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from werkzeug.wrappers import Response  # noqa: E402

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS submissions (id bigserial PRIMARY KEY, title text NOT NULL, body text NOT NULL,"
    " created_at timestamptz NOT NULL DEFAULT clock_timestamp())",
    "CREATE TABLE IF NOT EXISTS received (submission_id bigint PRIMARY KEY,"
    " received_at timestamptz NOT NULL DEFAULT clock_timestamp())",
]


class Engine(DependencyProvider):
    """One SQLAlchemy engine per process, at most DB_POOL_SIZE connections."""

    def setup(self):
        self.engine = create_engine(self.container.config["DB_URL"], max_overflow=0,
                                    pool_size=int(self.container.config.get("DB_POOL_SIZE", 5)))

    def stop(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.engine


class BareFront:
    name = "bare_front"
    store = RpcProxy("bare_store")
    sink = RpcProxy("bare_sink")

    @http("POST", "/submit")
    def submit(self, request):
        body = json.loads(request.get_data(as_text=True))
        submission_id = self.store.submit(body["title"], body["body"])
        return Response(json.dumps({"id": submission_id}), status=201, mimetype="application/json")

    @http("GET", "/health")
    def health(self, request):
        # an answer from both proves their containers, the sink's event queue included, are consuming
        return json.dumps({"store": self.store.ping(), "sink": self.sink.ping()})


class BareStore:
    name = "bare_store"
    db = Engine()
    dispatch = EventDispatcher()

    @rpc
    def submit(self, title, body):
        with self.db.begin() as conn:
            submission_id = conn.execute(
                text("INSERT INTO submissions (title, body) VALUES (:title, :body) RETURNING id"),
                {"title": title, "body": body}).scalar_one()
        self.dispatch("submitted", {"id": submission_id})
        return submission_id

    @rpc
    def ping(self):
        return "ok"


class BareSink:
    name = "bare_sink"
    db = Engine()

    @event_handler("bare_store", "submitted")
    def on_submitted(self, payload):
        with self.db.begin() as conn:
            conn.execute(text("INSERT INTO received (submission_id) VALUES (:id)"), {"id": payload["id"]})

    @rpc
    def ping(self):
        return "ok"
