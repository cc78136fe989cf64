"""Security headers on every answer of the gateway, set in one place (JsonErrorsApp).

An answer that sets its own Cache-Control or Content-Security-Policy (the /docs page and
its assets) keeps it; everything else is personal or changing data: never stored by a
browser or a shared cache, never framed, never sniffed as another type.

HSTS only when the request came over https: the connection itself, or, behind
``GATEWAY_TRUSTED_PROXIES=N`` proxies (the Ingress), the ``X-Forwarded-Proto`` they set
(the N-th entry from the right, as werkzeug's ProxyFix x_proto=N). A client-sent header
is not believed without a trusted proxy: HSTS over plain http would be ignored anyway,
but a wrong one would pin a development host to https.
"""
# a JSON API loads nothing and is framed by nobody
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
DEFAULTS = {"Cache-Control": "no-store", "Content-Security-Policy": API_POLICY}


def over_https(environ: dict, headers, trusted_proxies: int) -> bool:
    if environ.get("wsgi.url_scheme") == "https":
        return True
    forwarded = [p.strip().lower() for p in headers.get("X-Forwarded-Proto", "").split(",") if p.strip()]
    return bool(trusted_proxies) and len(forwarded) >= trusted_proxies and forwarded[-trusted_proxies] == "https"


def secure(response, environ: dict, request_headers, trusted_proxies: int, hsts_max_age: int):
    """Add the headers to ``response`` (a werkzeug Response) and return it; no HSTS when
    ``hsts_max_age`` (GATEWAY_HSTS_MAX_AGE) is 0."""
    for name, value in ALWAYS.items():
        response.headers[name] = value
    for name, value in DEFAULTS.items():
        response.headers.setdefault(name, value)
    if hsts_max_age and over_https(environ, request_headers, trusted_proxies):
        response.headers["Strict-Transport-Security"] = f"max-age={hsts_max_age}; includeSubDomains"
    return response
