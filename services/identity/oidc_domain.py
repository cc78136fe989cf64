"""Pure rules of single sign-on (OIDC, authorization code with PKCE): no I/O, unit-tested.

RFC 7636 (PKCE), OpenID Connect Core 1.0 §3.1 (code flow), RFC 9207 (the ``iss`` parameter)."""
import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode, urlsplit

ACCOUNT_FIELDS = ("login", "phone", "email")
# asymmetric algorithms only: "none" and HS* (keyed with the client secret) are never accepted
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
VERIFIER_ALPHABET = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 §4.1


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def code_challenge(verifier: str) -> str:
    """S256: BASE64URL(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2)."""
    if not VERIFIER_ALPHABET.match(verifier):
        raise ValueError("a code_verifier is 43-128 characters of [A-Za-z0-9-._~]")
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def new_verifier() -> str:
    """32 random bytes, base64url: 43 characters, 256 bits (RFC 7636 §7.1)."""
    return b64url(secrets.token_bytes(32))


def new_token() -> str:
    """A state or nonce: 256 random bits."""
    return b64url(secrets.token_bytes(32))


def state_key(state: str) -> str:
    """What is stored of a state: its SHA-256 (a read of the table does not give live states)."""
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()


def safe_return_to(value: str | None) -> str | None:
    """Where the console goes after sign-in: a path on this site only ("/..."), never another
    origin ("//evil", "/\\evil", "https://..."), no control characters. None: refused."""
    if value is None or value == "":
        return "/"
    if len(value) > 500 or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def authorization_url(endpoint: str, client_id: str, redirect_uri: str, scopes: str, state: str, nonce: str,
                      verifier: str) -> str:
    """The platform's authorization endpoint with the code-flow request (its own query kept)."""
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scopes,
              "state": state, "nonce": nonce, "code_challenge": code_challenge(verifier),
              "code_challenge_method": "S256"}
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)


def scopes_of(configured: str) -> str:
    """OIDC_SCOPES with ``openid`` always first and no duplicates."""
    seen = ["openid"]
    for scope in configured.replace(",", " ").split():
        if scope not in seen:
            seen.append(scope)
    return " ".join(seen)


def token_auth_method(supported: list | None) -> str:
    """client_secret_basic unless the platform names only client_secret_post (absent: basic, Core §9)."""
    supported = supported or ["client_secret_basic"]
    if "client_secret_basic" in supported or "client_secret_post" not in supported:
        return "client_secret_basic"
    return "client_secret_post"


def allowed_algorithms(advertised: list | None) -> list[str]:
    """The id_token algorithms accepted: what the platform advertises, asymmetric ones only."""
    advertised = advertised or ["RS256"]
    return [alg for alg in advertised if alg in SIGNING_ALGORITHMS]


def id_token_problem(claims: dict, nonce: str, client_id: str) -> str | None:
    """What is wrong with an id_token's claims beyond signature, iss, aud and exp (PyJWT checks those):
    the nonce of this request, and ``azp`` when there are several audiences (Core §3.1.3.7)."""
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return "the id_token has no sub"
    if claims.get("nonce") != nonce:
        return "the id_token's nonce is not this request's"
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        return "the id_token names other audiences and is not authorized for this client"
    return None


def normalize_phone(value: str | None) -> str | None:
    """A mainland number as accounts store it: digits only, without +86 / 0086 (E.164 from the platform)."""
    if not value:
        return None
    digits = re.sub(r"[\s\-().]", "", str(value))
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if digits.isdigit() else None


def lookup_value(claims: dict, claim: str, field: str) -> str | None:
    """The value of the configured claim, normalized for the account field it is matched against."""
    value = claims.get(claim)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    value = str(value).strip()
    if not value:
        return None
    if field == "phone":
        return normalize_phone(value)
    if field in ("login", "email"):
        return value.lower()
    raise ValueError(f"OIDC_ACCOUNT_FIELD must be one of {', '.join(ACCOUNT_FIELDS)}")


def fragment(answer: dict) -> str:
    """The sign-in answer as a URL fragment for the console (``#access_token=...&...``)."""
    keys = ("access_token", "refresh_token", "token_type", "expires_in")
    return urlencode({k: answer[k] for k in keys if answer.get(k) is not None})
