"""Idempotency-Key on creating RPCs: the key is claimed in the transaction that creates.

The gateway puts the caller's key, its scope (who asks: the role, sub and every id claim of the
token, or a public caller's address) and a fingerprint of the request into
the worker's context data (gateway/idempotency.py). A method marked ``@rpc(idempotent=True)``
then runs inside one transaction that first claims (scope, key) in ``idempotency_keys`` and
at the end stores the method's answer there, so the row and what it created commit together
or not at all. A second request with the same key waits on the row's primary key until the
first commits, then gets the stored answer (same fingerprint) or a 409 (another request).

Without a key, such a method still answers a redelivered request once: nameko acknowledges an
RPC request only after its worker has replied, so a process killed between its commit and its
reply gets the request again after a restart (or another replica does), and a state change run
a second time would answer the still-waiting caller a 409 ("status is accepted") for a write
that succeeded. So every call stores its answer under the request's correlation id (scope
``rpc``) in the transaction that does the work, and a request the broker marks redelivered
first looks for that answer and replays it.
"""
import functools
import inspect
import logging

from kombu.utils.json import dumps, loads
from nameko.extensions import DependencyProvider
from sqlalchemy import text

from services.common.db import AnsweredBefore
from services.common.errors import Conflict, LianxinError, deserialize_to_instance

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
# context data entries (strings: nameko sends them as AMQP headers)
KEY, SCOPE, FINGERPRINT = "idempotency_key", "idempotency_scope", "idempotency_fingerprint"
# set by the RPC entrypoint from the request message itself (services/common/amqp.py), never
# from a caller's headers: the request's correlation id, and whether the broker redelivered it
CALL, REDELIVERED = "rpc_call", "rpc_redelivered"
CALL_SCOPE = "rpc"
DEFAULT_TTL_HOURS = 24

# A row older than the TTL is someone's forgotten key: taken over as if new (the purge timer
# deletes such rows too, but a request must not depend on when it last ran).
CLAIM = text(
    "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES (:scope, :key, :fingerprint) "
    "ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, response = NULL, "
    "created_at = now() "
    "WHERE idempotency_keys.created_at < now() - CAST(:ttl AS float8) * interval '1 hour' "
    "RETURNING 1")
EARLIER = text("SELECT fingerprint, response::text FROM idempotency_keys WHERE scope = :scope AND key = :key")
STORE = text("UPDATE idempotency_keys SET response = CAST(:response AS jsonb) WHERE scope = :scope AND key = :key")
PURGE = text("DELETE FROM idempotency_keys WHERE created_at < now() - CAST(:ttl AS float8) * interval '1 hour'")


@deserialize_to_instance
class KeyReused(Conflict):
    """409: the key was used before by this caller for a different request."""
    code = "idempotency_key_reused"


class Request:
    """The worker's key, scope and fingerprint (None without an Idempotency-Key), and the RPC
    request's correlation id (``call``, None outside an RPC) and whether it was redelivered."""

    def __init__(self, key: str | None, scope: str | None, fingerprint: str | None, ttl_hours: float,
                 call: str | None = None, redelivered: bool = False):
        self.key, self.scope, self.fingerprint = key, scope, fingerprint
        self.ttl_hours = ttl_hours
        self.call, self.redelivered = call, redelivered

    def __bool__(self) -> bool:
        return bool(self.key and self.scope and self.fingerprint)


class IdempotencyKeys(DependencyProvider):
    """Takes the key out of the worker's context data.

    Taken out, not just read: nameko passes context data on to every RPC the worker makes,
    and a key is for the method the gateway called, never for the calls that method makes.
    Config: IDEMPOTENCY_TTL_HOURS (24).
    """

    def setup(self):
        self.ttl_hours = float(self.container.config.get("IDEMPOTENCY_TTL_HOURS") or DEFAULT_TTL_HOURS)

    def get_dependency(self, worker_ctx):
        data = worker_ctx.data  # (``context_data`` is a copy: popping from it would change nothing)
        return Request(data.pop(KEY, None), data.pop(SCOPE, None), data.pop(FINGERPRINT, None), self.ttl_hours,
                       data.pop(CALL, None), bool(data.pop(REDELIVERED, False)))


def once(method, redact=None, client_key: bool = True):
    """Wraps an RPC method (of a ServiceBase, which has ``db`` and ``idempotency``).

    ``client_key``: whether the caller's Idempotency-Key is this method's to honour (a creating
    method's); without, only a redelivery is answered from what was stored.

    ``redact(answer)``: what is stored for a replay, when the answer carries what must never be
    stored (a one-time password: a replay answers without it)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        request = self.idempotency
        if not (client_key and request):
            if request.call is None:  # called in process, not over RPC
                return method(self, *args, **kwargs)
            return answered_once(self, request, f"{self.name}.{method.__name__}",
                                 lambda: method(self, *args, **kwargs), redact)
        where = {"scope": request.scope, "key": request.key}
        with self.db.transaction() as tx:
            tx.join_flat = True
            claimed = tx.execute(CLAIM, {**where, "fingerprint": request.fingerprint,
                                         "ttl": request.ttl_hours}).first()
            if claimed is None:
                return earlier_answer(tx, where, request.fingerprint)
            result = method(self, *args, **kwargs)  # its transactions join this one
            tx.execute(STORE, {**where, "response": dumps(redact(result) if redact else result)})
        return result

    # nameko checks a call's arguments against the method's signature, not the wrapper's
    wrapper.__signature__ = inspect.signature(method)
    return wrapper


def answered_once(service, request: Request, name: str, run, redact):
    """Runs an RPC request (no Idempotency-Key) and stores its answer with its work; a redelivery
    of a request that was already answered replays that answer."""
    where = {"scope": CALL_SCOPE, "key": request.call}
    if request.redelivered and (stored := stored_answer(service.db, where)) is not None:
        log.info("redelivered %s replays the answer its first delivery committed", name)
        return stored[0]
    try:
        with service.db.transaction() as tx:
            tx.join_flat = True
            result = run()  # its transactions join this one
            # written at the commit with the events (one statement): a first delivery still
            # running when its redelivery finished (the broker lost the first consumer's
            # connection, not its process) makes the redelivery's commit wait for its own, then
            # raise AnsweredBefore, rolling back the redelivery's work
            tx.record_answer(where["scope"], where["key"], name, dumps(redact(result) if redact else result))
    except AnsweredBefore:
        return stored_answer(service.db, where)[0]
    except LianxinError:
        # a redelivery racing its first delivery meets the state that one left (a 409): that
        # one's answer, once committed, is the answer
        if request.redelivered and (stored := stored_answer(service.db, where)) is not None:
            return stored[0]
        raise
    return result


def stored_answer(db, where: dict) -> tuple | None:
    """(answer,) stored for a call, or None."""
    with db.read() as session:
        row = session.execute(EARLIER, where).first()
    return None if row is None else (loads(row.response),)


def earlier_answer(tx, where: dict, fingerprint: str):
    stored, response = tx.execute(EARLIER, where).one()
    if stored != fingerprint:
        raise KeyReused(
            f"this {HEADER} was used for a different request; use a new key for a new request",
            [{"field": HEADER, "message": "already used with a different method, path or body"}])
    log.info("idempotent replay of key %s", where["key"])
    return loads(response)


def purge(db, ttl_hours: float) -> int:
    """Deletes keys older than the TTL; returns how many."""
    with db.transaction() as tx:
        return tx.execute(PURGE, {"ttl": ttl_hours}).rowcount
