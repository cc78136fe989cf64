"""CORS: which browser origins may call the API (GATEWAY_CORS_ORIGINS).

``GATEWAY_CORS_ORIGINS`` is a comma-separated list of origins (``https://a.example,
http://localhost:5173``), or ``*`` for any; empty (the default) sends no CORS headers at all.
Tokens travel in the Authorization header, never cookies, so ``*`` exposes nothing a
page could not already send; credentials are never allowed. The API server builds one ``Cors``
at start (gateway/http.py), from GATEWAY_CORS_ORIGINS and GATEWAY_CORS_MAX_AGE.
"""
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id"
EXPOSE_HEADERS = "X-Request-Id, Retry-After"


class Cors:
    def __init__(self, origins: str = "", max_age: int = 600):
        entries = [o.strip().rstrip("/").lower() for o in (origins or "").split(",") if o.strip()]
        self.any = "*" in entries
        self.origins = frozenset(e for e in entries if e != "*")
        self.max_age = max_age

    @property
    def enabled(self) -> bool:
        return self.any or bool(self.origins)

    def allow_origin(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for this Origin, or None (no CORS headers)."""
        if not origin or not self.enabled:
            return None
        if self.any:
            return "*"
        return origin if origin.rstrip("/").lower() in self.origins else None

    def _vary(self) -> dict:
        # with a list the answer depends on Origin, so caches must keep one copy per origin
        return {"Vary": "Origin"} if self.origins and not self.any else {}

    def preflight(self, origin: str | None) -> dict:
        """Headers of the 204 answer to OPTIONS."""
        allowed = self.allow_origin(origin)
        if allowed is None:
            return self._vary()
        return {**self._vary(), "Access-Control-Allow-Origin": allowed, "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS, "Access-Control-Max-Age": str(self.max_age)}

    def simple(self, origin: str | None) -> dict:
        """Headers added to every other answer (errors included)."""
        allowed = self.allow_origin(origin)
        if allowed is None:
            return self._vary()
        return {**self._vary(), "Access-Control-Allow-Origin": allowed, "Access-Control-Expose-Headers": EXPOSE_HEADERS}

