"""The route registry's checks, on werkzeug requests built in memory."""
from datetime import date

import pytest
from werkzeug.wrappers import Request

from gateway import contract
from gateway.contract import Route, parse_query
from gateway.errors import ApiError
from gateway.queries import ActivityList, StationList, SuggestionList
from gateway.settings import settings_from
from gateway.tokens import make_token
from services.common.errors import ValidationFailed

SETTINGS = settings_from({})  # config.yml's defaults; the key is this shell's, as make_token's


def authorize(request, route):
    return contract.authorize(request, route, SETTINGS)


def request(query: str = "", role: str | None = None, **claims) -> Request:
    headers = {"Authorization": f"Bearer {make_token(role, **claims)}"} if role else {}
    return Request.from_values(query_string=query, headers=headers)


def route(*roles: str) -> Route:
    return Route(method="GET", url="/x", name="x", roles=roles)


def test_a_listed_role_gets_in_with_its_claims():
    actor = authorize(request(role="unit", sub="unit-3", unit_id=3), route("office", "unit"))
    assert actor["role"] == "unit" and actor["unit_id"] == 3


@pytest.mark.parametrize("role, status", [(None, 401), ("deputy", 403)])
def test_no_token_is_401_and_a_role_not_listed_403(role, status):
    claims = {"deputy_id": 1} if role == "deputy" else {}
    with pytest.raises(ApiError) as caught:
        authorize(request(role=role, sub="x", **claims), route("office"))
    assert caught.value.status == status


def test_public_routes_let_everyone_in_but_a_bad_token_is_still_401():
    assert authorize(request(), route("public", "office"))["role"] == "public"
    bad = Request.from_values(headers={"Authorization": "Bearer nonsense"})
    with pytest.raises(ApiError) as caught:
        authorize(bad, route("public", "office"))
    assert caught.value.status == 401


def test_operations_routes_do_not_read_the_token():
    bad = Request.from_values(headers={"Authorization": "Bearer nonsense"})
    assert authorize(bad, route())["role"] == "public"


def test_query_is_parsed_with_defaults_and_empty_values_ignored():
    parsed = parse_query(request("status=accepted&q=&overdue=true"), SuggestionList)
    assert parsed == {"status": "accepted", "overdue": True, "limit": 50, "offset": 0}


@pytest.mark.parametrize("query, names", [
    ("status=accepted&unknown=1", ["unknown"]), ("kinds=recess&supervisd=", ["kinds", "supervisd"]),
])
def test_an_unknown_query_parameter_is_400_naming_it(query, names):
    """Issue 15: a filter the route does not know was silently ignored (the whole list answered)."""
    with pytest.raises(ApiError) as caught:
        parse_query(request(query), SuggestionList)
    assert (caught.value.status, caught.value.code) == (400, "unknown_parameter")
    assert [d["field"] for d in caught.value.details] == names


def test_every_declared_filter_is_known_including_aliases():
    assert parse_query(request("from=2026-01-01&to=2026-02-01&limit=5"), ActivityList)["from"] == date(2026, 1, 1)


@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset"),
    ("limit=99999999999999999999999", "limit"), ("unit_id=9223372036854775808", "unit_id"),
    ("overdue=maybe", "overdue"), ("q=a%00b", "q"), ("q=" + "x" * 201, "q"),
])
def test_bad_query_values_are_422_naming_the_parameter(query, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_query(request(query), SuggestionList)
    assert caught.value.details[0]["field"] == field


def test_aliases_and_bounded_ints_in_station_filters():
    assert parse_query(request("from=2026-01-01&stars=2"), StationList)["from"] == date(2026, 1, 1)
    with pytest.raises(ValidationFailed):
        parse_query(request("stars=5"), StationList)
