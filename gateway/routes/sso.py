"""Single sign-on with the province's unified identity platform (统一身份认证, OpenID Connect):
the browser is sent to the platform and comes back to the callback (docs/identity.md).

The callback answers a browser with a 302 to the console's ``return_to`` with the tokens in the URL
fragment (``#access_token=...&refresh_token=...&token_type=Bearer&expires_in=600``): a fragment is
never sent to a server nor in a Referer, and the console reads it and replaces the location. A
client that asks for ``Accept: application/json`` gets the sign-in answer as JSON instead."""
from typing import Annotated

from pydantic import Field
from werkzeug.wrappers import Response

from gateway.answers.common import Answer
from gateway.auth import EVERYONE
from gateway.errors import json_response
from gateway.http import api
from gateway.queries import Query
from gateway.ratelimit import client_address
from gateway.routes.base import Proxies
from services.common.schemas import Id
from services.identity.errors import InvalidState, SsoFailed

TAGS = ("sign-in",)
# importing them registers them for RPC: they arrive as themselves (400, 401), not as a 500
ANSWERED = (InvalidState, SsoFailed)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}


# what a platform sends back: codes may be long (some platforms make them JWTs); no control characters
# (a pattern, so the OpenAPI document says it too)
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Param = Annotated[str, Field(max_length=4096, pattern=PRINTABLE)]
Path = Annotated[str, Field(max_length=500, pattern=PRINTABLE)]


class SsoStart(Query):
    return_to: Path | None = Field(None, description="a path on this site to go back to after sign-in (default /)")
    binding_id: Id | None = Field(None, description="the role binding to act with (default: the person's first)")


class SsoCallback(Query):
    """What the platform sends back (RFC 6749 §4.1.2, RFC 9207)."""
    code: Param | None = None
    state: Param | None = None
    iss: Param | None = None
    session_state: Param | None = None
    error: Param | None = None
    error_description: Param | None = None
    error_uri: Param | None = None


class SsoAccount(Answer):
    id: int
    sub: str
    login: str
    display_name: str
    roles: list[dict]
    role: str | None


class SsoAnswer(Answer):
    """The sign-in answer (as POST /auth/sign-in's), and where the console wanted to go back to."""
    status: str
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    account: SsoAccount
    return_to: str


def client_of(request, settings) -> dict:
    return {"address": client_address(request, settings.trusted_proxies),
            "user_agent": (request.headers.get("User-Agent") or "")[:300]}


def wants_json(request) -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > \
        request.accept_mimetypes["text/html"]


class SsoRoutes(Proxies):
    @api("GET", "/api/v1/auth/oidc/start", roles=EVERYONE, query=SsoStart, status=(302,), tags=TAGS)
    def sso_start(self, request):
        """Sign in at the unified identity platform: a 302 to its authorization endpoint.

        Authorization code flow with PKCE (S256), state and nonce; 404 when single sign-on is not
        configured (OIDC_ISSUER)."""
        query = request.query
        answer = self.call(self.identity.oidc_start, query.get("return_to"), query.get("binding_id"))
        return Response(status=302, headers={"Location": answer["authorization_url"], **NO_STORE})

    @api("GET", "/api/v1/auth/oidc/callback", roles=EVERYONE, query=SsoCallback, status=(302, 200),
         answer=SsoAnswer, tags=TAGS)
    def sso_callback(self, request):
        """Where the platform sends the person back: the code is exchanged, the person signed in.

        A browser gets a 302 to `return_to` with the tokens in the URL fragment; with
        `Accept: application/json` the sign-in answer itself. 400 naming `state` when it is unknown,
        used or expired; 401 when the platform refused or its answer did not verify; 403 "no account
        is linked to this platform identity"."""
        client = client_of(request, self.settings)
        answer = self.call(self.identity.oidc_callback, request.query, client)
        redirect_to = answer.pop("redirect_to")
        if wants_json(request):
            response = json_response(200, answer)
        else:
            response = Response(status=302, headers={"Location": redirect_to})
        response.headers.update(NO_STORE)
        return response

