"""Bearer tokens: a bounded lifetime and validated claims, each refused with a 401 naming why."""
import time

import jwt
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import tokens
from gateway.auth import actor_from
from gateway.errors import ApiError
from gateway.settings import GatewaySettings


def signed(**claims) -> str:
    now = int(time.time())
    return jwt.encode({"sub": "deputy-5", "role": "deputy", "deputy_id": 5, "iat": now, "exp": now + 3600, **claims},
                      tokens.secret(), algorithm="HS256")


def actor(token: str, max_ttl: int = GatewaySettings.token_max_ttl) -> dict:
    request = Request(EnvironBuilder(headers={"Authorization": f"Bearer {token}"}).get_environ())
    return actor_from(request, GatewaySettings(jwt_secret=tokens.secret(), token_max_ttl=max_ttl))


def refused(token: str, max_ttl: int = GatewaySettings.token_max_ttl) -> str:
    with pytest.raises(ApiError) as caught:
        actor(token, max_ttl)
    assert caught.value.status == 401
    return caught.value.message


def test_a_good_token_is_the_actor():
    assert actor(signed()) == {"sub": "deputy-5", "role": "deputy", "deputy_id": 5}


def test_a_token_living_longer_than_the_maximum_is_refused():
    now = int(time.time())
    assert "at most 43200 s" in refused(signed(iat=now, exp=32503680000))  # exp in 2999
    assert "at most 43200 s" in refused(signed(iat=now - 3600, exp=now + 12 * 3600))
    assert "at most 43200 s" in refused(signed(iat=str(now), exp=str(now + 13 * 3600)))
    assert actor(signed(iat=now, exp=now + 12 * 3600))["deputy_id"] == 5
    assert "at most 600 s" in refused(signed(iat=now, exp=now + 3600), max_ttl=600)  # GATEWAY_TOKEN_MAX_TTL=600


def test_exp_and_iat_are_required():
    now = int(time.time())
    assert "iat" in refused(jwt.encode({"sub": "office-1", "role": "office", "exp": now + 60}, tokens.secret()))
    assert "exp" in refused(jwt.encode({"sub": "office-1", "role": "office", "iat": now}, tokens.secret()))


@pytest.mark.parametrize("claims,named", [
    ({"deputy_id": "abc"}, "deputy_id"),
    ({"deputy_id": "5"}, "deputy_id"),
    ({"deputy_id": 0}, "deputy_id"),
    ({"deputy_id": -3}, "deputy_id"),
    ({"deputy_id": 2**63}, "deputy_id"),
    ({"deputy_id": 5.5}, "deputy_id"),
    ({"deputy_id": True}, "deputy_id"),
    ({"deputy_id": None}, "deputy_id"),
    ({"deputy_id": [5]}, "deputy_id"),
    ({"unit_id": "x"}, "unit_id"),
    ({"station_id": {"id": 1}}, "station_id"),
    ({"sub": ""}, "sub"),
    ({"sub": "   "}, "sub"),
    ({"sub": 5}, "Subject"),
    ({"role": "mayor"}, "role"),
    ({"role": ["deputy"]}, "role"),
])
def test_claims_of_the_wrong_type_are_a_401_naming_the_claim(claims, named):
    assert named in refused(signed(**claims))


def test_make_token_gives_each_deputy_unit_and_station_a_sub_of_its_own():
    def sub(role, **ids):
        return jwt.decode(tokens.make_token(role, **ids), tokens.secret(), algorithms=["HS256"])["sub"]
    assert sub("deputy", deputy_id=483) == "deputy-483" and sub("deputy", deputy_id=482) == "deputy-482"
    assert sub("unit", unit_id=3) == "unit-3" and sub("station", station_id=2) == "station-2"
    assert sub("office") == "office-dev"
    claims = jwt.decode(tokens.make_token("office"), tokens.secret(), algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == tokens.DEFAULT_TTL <= GatewaySettings.token_max_ttl


def test_a_development_token_is_verified_once_until_it_expires_or_the_secret_changes(monkeypatch):
    from gateway import auth
    decoded = []
    real = jwt.decode
    monkeypatch.setattr(auth.jwt, "decode", lambda *a, **k: decoded.append(1) or real(*a, **k))
    token = signed(sub="deputy-cached")
    assert actor(token)["sub"] == actor(token)["sub"] == "deputy-cached"
    assert len(decoded) == 1  # the second request took the verified claims from memory
    other = GatewaySettings(jwt_secret="another-development-secret-of-32-chars!")
    request = Request(EnvironBuilder(headers={"Authorization": f"Bearer {token}"}).get_environ())
    with pytest.raises(ApiError) as caught:  # signed with the old secret: refused as on first sight
        actor_from(request, other)
    assert caught.value.status == 401 and len(decoded) == 2
    assert actor(token)["sub"] == "deputy-cached" and len(decoded) == 3  # and the refusal forgot it
    monkeypatch.setattr(auth.time, "time", lambda: time.time_ns() / 1e9 + 7200)  # past its exp here
    actor(token)
    assert len(decoded) == 4  # not taken from memory: verified again (PyJWT has its own clock)
