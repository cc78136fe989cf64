"""The identity service's public keys, as the gateway verifies access tokens with them.

Fetched over RPC (``identity.jwks``) and kept GATEWAY_JWKS_TTL seconds; a token signed by a key
not in the cache (a rotation) makes it fetch again, at most every ``min_interval`` seconds, so a
stream of tokens with made-up ``kid``s cannot turn into a stream of RPCs."""
import logging
import time

import jwt
from eventlet.semaphore import Semaphore
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.errors import Unavailable

log = logging.getLogger(__name__)


class JwksCache:
    def __init__(self, fetch, ttl: float = 300.0, min_interval: float = 10.0, clock=time.monotonic):
        self.fetch, self.ttl, self.min_interval, self.clock = fetch, ttl, min_interval, clock
        self.keys: dict | None = None
        self.fetched_at = self.tried_at = float("-inf")
        self.lock = Semaphore()

    def key(self, kid: str):
        """The public key of ``kid``, or None if the identity service has no such key."""
        if self.due(kid):
            with self.lock:  # one fetch at a time; the others then find it done
                if self.due(kid):
                    self.refresh()
        return (self.keys or {}).get(kid)

    def due(self, kid: str) -> bool:
        now = self.clock()
        if self.keys is None:
            return True
        if now - self.tried_at < self.min_interval:
            return False
        return now - self.fetched_at >= self.ttl or kid not in self.keys

    def refresh(self) -> None:
        now = self.tried_at = self.clock()
        try:
            document = self.fetch()
        except Exception as exc:  # noqa: BLE001 - keep the keys known; without any: 503
            log.warning("could not fetch the identity service's JWKS: %r", exc)
            if self.keys is None:
                raise Unavailable("the identity service did not give its signing keys; retry shortly") from None
            return
        keys = {}
        for jwk in document.get("keys", []):
            try:
                keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="RS256").key
            except (KeyError, jwt.PyJWTError) as exc:
                log.warning("skipping a JWKS entry: %r", exc)
        self.keys, self.fetched_at = keys, now


def rpc_fetcher(config: dict, timeout: float):
    """``identity.jwks`` over a standalone proxy: usable outside a worker too (authorize runs before
    one is started for a request with an Idempotency-Key)."""
    proxy_config = {"AMQP_URI": config["AMQP_URI"], "serializer": config.get("serializer", "json")}

    def fetch() -> dict:
        with ClusterRpcProxy(proxy_config, timeout=timeout) as proxy:
            return proxy.identity.jwks()
    return fetch
