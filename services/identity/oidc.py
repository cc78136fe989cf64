"""Single sign-on with the province's unified identity platform (统一身份认证): OpenID Connect,
authorization code with PKCE (docs/identity.md "Single sign-on").

``start`` stores a request (state hashed, nonce, PKCE verifier, where to go back) and answers the
platform's authorization URL; ``callback`` uses the request up, exchanges the code, verifies the
id_token, finds the account by the configured claim and opens a session (amr ["oidc"]).
No database transaction is held while the platform is asked over HTTP: the request is used up in
one transaction (committed: a replayed state fails even if the rest fails), the account is found
and the session opened in another, with its audit record."""
from datetime import timedelta

from sqlalchemy import delete, func, select

from services.common.clock import now
from services.common.errors import Forbidden, NotFound, field_error
from services.identity import oidc_domain as rules
from services.identity import oidc_platform as platform
from services.identity.errors import InvalidState, SsoFailed
from services.identity.models import Account, OidcRequest
from services.identity.oidc_settings import OidcSettings
from services.identity.security_events import record
from services.identity.sessions import open_session

ACTION = "sign_in_oidc"
NOT_LINKED = "no account is linked to this platform identity"


def configured(settings: OidcSettings) -> None:
    if not settings.enabled:
        raise NotFound("single sign-on is not configured")


def start(db, settings: OidcSettings, return_to: str | None, binding_id: int | None = None) -> dict:
    configured(settings)
    target = rules.safe_return_to(return_to)
    if target is None:
        raise field_error("return_to", "must be a path on this site, starting with a single /")
    meta = platform.metadata(settings)
    state, nonce, verifier = rules.new_token(), rules.new_token(), rules.new_verifier()
    at = now()
    with db.transaction() as tx:
        tx.execute(delete(OidcRequest).where(OidcRequest.expires_at < at - timedelta(days=1)))
        tx.add(OidcRequest(state_hash=rules.state_key(state), nonce=nonce, code_verifier=verifier, return_to=target,
                           binding_id=binding_id, created_at=at, expires_at=at + timedelta(seconds=settings.request_ttl)))
    url = rules.authorization_url(meta["authorization_endpoint"], settings.client_id, settings.redirect_uri,
                                  rules.scopes_of(settings.scopes), state, nonce, verifier)
    return {"authorization_url": url}


def use_request(tx, state: str | None) -> OidcRequest:
    """The request this state was issued for, used up now; 400 naming state otherwise."""
    if not state:
        raise InvalidState("state: missing", [{"field": "state", "message": "missing"}])
    row = tx.get(OidcRequest, rules.state_key(state), with_for_update=True)
    problem = ("unknown" if row is None else "already used" if row.used_at is not None
               else "expired" if row.expires_at <= now() else None)
    if problem:
        raise InvalidState(f"state: {problem}; start the sign-in again",
                           [{"field": "state", "message": f"{problem}; start the sign-in again"}])
    row.used_at = now()
    return row


def callback(db, settings: OidcSettings, session_settings, params: dict, client: dict) -> dict:
    """The platform sent the person back with ``code`` and ``state`` (or ``error``): the sign-in
    answer of sessions.open_session, plus ``return_to`` and ``redirect_to`` (return_to with the
    tokens in its fragment, for the console)."""
    configured(settings)
    try:
        with db.transaction() as tx:
            request = use_request(tx, params.get("state"))
        if params.get("iss") is not None and params["iss"] != settings.issuer:  # RFC 9207
            raise SsoFailed("the answer names another issuer (iss)")
        if params.get("error"):
            raise SsoFailed(f"the platform refused the sign-in: {params['error']}"
                            + (f" ({params['error_description']})" if params.get("error_description") else ""))
        if not params.get("code"):
            raise field_error("code", "missing")
        meta = platform.metadata(settings)
        tokens = platform.exchange(settings, meta, params["code"], request.code_verifier)
        claims = platform.verify_id_token(settings, meta, tokens["id_token"], request.nonce)
        value = rules.lookup_value(claims, settings.subject_claim, settings.account_field)
        if value is None:  # platforms put what scopes grant in UserInfo (Core §5.4), not always in the id_token
            claims = {**platform.userinfo(settings, meta, tokens.get("access_token"), claims["sub"]), **claims}
            value = rules.lookup_value(claims, settings.subject_claim, settings.account_field)
    except (InvalidState, SsoFailed) as exc:
        with db.transaction() as tx:
            record(tx, ACTION, "failed", client=client, status=exc.status, detail=exc.message)
        raise
    with db.transaction() as tx:
        account, why = find_account(tx, settings, value)
        who = f"platform subject {claims['sub']!r}, {settings.subject_claim}={value!r}"
        if account is None:
            record(tx, ACTION, "failed", client=client, login=value, status=403, detail=f"{why}: {who}")
        else:
            answer = open_session(tx, session_settings, account, ["oidc"], client, request.binding_id)
            record(tx, ACTION, "ok", client=client, account=account, role=answer["account"]["role"], status=200,
                   detail=who)
    if account is None:
        raise Forbidden(why)
    return {**answer, "return_to": request.return_to,
            "redirect_to": f"{request.return_to}#{rules.fragment(answer)}"}


def find_account(tx, settings: OidcSettings, value: str | None):
    """(account, None) or (None, why): the one enabled account whose login/phone/email is the value."""
    if value is None:
        return None, f"{NOT_LINKED} (the platform sent no {settings.subject_claim})"
    column = {"login": func.lower(Account.login), "email": func.lower(Account.email),
              "phone": func.regexp_replace(Account.phone, r"^(\+?86|0086)|[^0-9]", "", "g")}[settings.account_field]
    found = tx.scalars(select(Account).where(column == value).order_by(Account.id).limit(2)).all()
    if not found:
        return None, NOT_LINKED
    if len(found) > 1:
        return None, f"more than one account has this {settings.account_field}; ask an administrator"
    if found[0].disabled:
        return None, "the account linked to this platform identity is disabled"
    return found[0], None
