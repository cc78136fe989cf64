"""Sign-in, two-factor, tokens and sessions (the identity service), and its public keys.

Sign-in steps answer 200 with a ``status`` (signed_in, mfa_required, mfa_enrolment_required,
password_change_required); a wrong name or password is 401 ``invalid_credentials``, a locked name
423 ``locked``. Routes that take a sign-in ``challenge`` are open to the public (the challenge is
the proof); without one they need a signed-in person."""
from gateway.auth import ANY_PERSON, EVERYONE
from gateway.errors import ApiError
from gateway.http import api
from gateway.ratelimit import client_address
from gateway.routes.base import Proxies
from services.identity.errors import AccountLocked, InvalidChallenge, InvalidCode, InvalidCredentials, SessionEnded
from services.identity.schemas import MfaIn, PasswordChangeIn, RefreshIn, SignInIn, TotpConfirmIn, TotpEnrolIn

TAGS = ("sign-in",)
# the identity service's errors arrive as these classes (registered on import) and answer as they say
ANSWERED = (InvalidCredentials, AccountLocked, InvalidChallenge, InvalidCode, SessionEnded)
AUTH = "/api/v1/auth"


class AuthRoutes(Proxies):

    def client(self, request) -> dict:
        """Who is at the other end, as the audit trail records it."""
        return {"address": client_address(request, self.settings.trusted_proxies),
                "user_agent": (request.headers.get("User-Agent") or "")[:300]}

    def challenge_or_person(self, request) -> dict:
        """The body; a public caller must bring a sign-in challenge in it."""
        body = self.body(request)
        if request.actor["role"] == "public" and not (isinstance(body, dict) and body.get("challenge")):
            raise ApiError(401, "unauthorized", "sign in first, or give the challenge of your sign-in")
        return body

    @api("POST", AUTH + "/sign-in", roles=EVERYONE, body=SignInIn, tags=TAGS)
    def sign_in(self, request):
        """Sign in with login name and password; the answer's status says what comes next."""
        return self.call(self.identity.sign_in, self.body(request), self.client(request))

    @api("POST", AUTH + "/mfa", roles=EVERYONE, body=MfaIn, tags=TAGS)
    def sign_in_mfa(self, request):
        """The second factor of a sign-in: a TOTP code or a recovery code with the challenge."""
        return self.call(self.identity.mfa, self.body(request), self.client(request))

    @api("POST", AUTH + "/totp/enrol", roles=EVERYONE, body=TotpEnrolIn, tags=TAGS)
    def totp_enrol(self, request):
        """Start TOTP enrolment (signed in, or with an enrolment challenge): secret, otpauth URI, QR code."""
        body = self.challenge_or_person(request)
        return self.call(self.identity.totp_enrol, request.actor, body, self.client(request))

    @api("POST", AUTH + "/totp/confirm", roles=EVERYONE, body=TotpConfirmIn, tags=TAGS)
    def totp_confirm(self, request):
        """Confirm enrolment with the first code: ten recovery codes (and, with a challenge, the tokens)."""
        body = self.challenge_or_person(request)
        return self.call(self.identity.totp_confirm, request.actor, body, self.client(request))

    @api("POST", AUTH + "/password", roles=EVERYONE, body=PasswordChangeIn, tags=TAGS)
    def change_password(self, request):
        """Change one's password: with a password_change challenge, or signed in with the current one."""
        body = self.challenge_or_person(request)
        return self.call(self.identity.change_password, request.actor, body, self.client(request))

    @api("POST", AUTH + "/refresh", roles=EVERYONE, body=RefreshIn, tags=TAGS)
    def refresh(self, request):
        """New tokens for a refresh token, which is used up; presenting a used one revokes the session."""
        return self.call(self.identity.refresh, self.body(request), self.client(request))

    @api("POST", AUTH + "/sign-out", roles=EVERYONE, body=RefreshIn, tags=TAGS)
    def sign_out(self, request):
        """End the session of this refresh token."""
        return self.call(self.identity.sign_out, self.body(request), self.client(request))

    @api("POST", AUTH + "/sign-out-everywhere", roles=ANY_PERSON, tags=TAGS)
    def sign_out_everywhere(self, request):
        """End every session of the signed-in person."""
        return self.call(self.identity.sign_out_everywhere, request.actor, self.client(request))

    @api("GET", AUTH + "/me", roles=ANY_PERSON, tags=TAGS)
    def me(self, request):
        """The signed-in person: account, role bindings, the role acted with, and this session."""
        return self.call(self.identity.me, request.actor)

    @api("GET", AUTH + "/sessions", roles=ANY_PERSON, tags=TAGS)
    def list_sessions(self, request):
        """The signed-in person's live sessions (``current`` marks this one)."""
        return self.call(self.identity.list_sessions, request.actor)

    @api("POST", "/api/v1/accounts/<int:account_id>/reset-mfa", roles=("security_admin",), tags=TAGS)
    def reset_mfa(self, request, account_id):
        """Reset a person's TOTP (a lost phone): they enrol again at their next sign-in."""
        return self.call(self.identity.reset_mfa, request.actor, account_id, self.client(request))

    @api("POST", "/api/v1/security/keys/rotate", roles=("security_admin",), tags=("security",))
    def rotate_keys(self, request):
        """A new signing key signs from now; the old one stays in the JWKS until its tokens expired."""
        return self.call(self.identity.rotate_keys, request.actor, self.client(request))

    @api("GET", "/.well-known/jwks.json", roles=EVERYONE, tags=TAGS)
    def jwks(self, request):
        """The public keys that verify access tokens (RFC 7517)."""
        return self.call(self.identity.jwks)
