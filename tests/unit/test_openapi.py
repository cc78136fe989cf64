"""The OpenAPI document: valid 3.1, generated from every declared route, with roles and errors."""
import re

import pytest
from openapi_spec_validator import validate

from gateway import openapi
from gateway.contract import JSON
from gateway.service import GatewayService

ROUTES = openapi.routes_of(GatewayService)


@pytest.fixture(scope="module")
def document():
    return openapi.document(GatewayService)


def operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            yield path, method, op


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_declared_route_and_method_is_documented_once(document):
    declared = {(openapi.openapi_path(r.url), m.lower()) for r in ROUTES for m in r.methods}
    documented = {(path, method) for path, method, _ in operations(document)}
    assert documented == declared
    assert len(ROUTES) > 60
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))


def test_path_parameters_match_the_path(document):
    for path, _, op in operations(document):
        named = set(re.findall(r"{(\w+)}", path))
        assert {p["name"] for p in op["parameters"] if p["in"] == "path"} == named, path


def test_roles_and_security_are_stated(document):
    for path, method, op in operations(document):
        roles = op["x-roles"]
        if path in ("/healthz", "/readyz"):
            assert roles == [] and op["security"] == []
            continue
        assert roles, f"{method} {path} names no roles"
        assert "Roles:" in op["description"]
        assert "401" in op["responses"] and "503" in op["responses"]
        if "public" in roles:
            assert {} in op["security"] and "429" in op["responses"]
        else:
            assert op["security"] == [{"bearer": []}] and "403" in op["responses"]


def test_creating_posts_take_an_idempotency_key(document):
    for route in ROUTES:
        if 201 in route.status:
            assert route.creates, f"{route.url} answers 201 but does not honour Idempotency-Key"
        op = document["paths"][openapi.openapi_path(route.url)][route.methods[0].lower()]
        headers = [p["name"] for p in op["parameters"] if p["in"] == "header"]
        assert ("Idempotency-Key" in headers) == route.creates, route.url


def test_bodies_are_the_services_request_models(document):
    schemas = document["components"]["schemas"]
    op = document["paths"]["/api/v1/suggestions"]["post"]
    ref = op["requestBody"]["content"][JSON]["schema"]["$ref"].rsplit("/", 1)[1]
    suggestion = schemas[ref]
    assert {"title", "body", "category", "kind", "session"} <= set(suggestion["required"])
    assert suggestion["additionalProperties"] is False  # unknown fields are refused (422)
    assert suggestion["properties"]["title"]["maxLength"] == 100
    upload = document["paths"]["/api/v1/suggestions/import"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_lists_page_within_the_documented_bounds(document):
    params = {p["name"]: p for p in document["paths"]["/api/v1/suggestions"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 200 and params["limit"]["schema"]["minimum"] == 1
    assert params["offset"]["schema"]["minimum"] == 0
    assert params["unit_id"]["schema"]["anyOf"][0]["maximum"] == 2**63 - 1
    month = {p["name"]: p for p in document["paths"]["/api/v1/stations/missed-receptions"]["get"]["parameters"]}
    assert month["month"]["required"] is True
    period = {p["name"] for p in document["paths"]["/api/v1/stations/{station_id}/stats"]["get"]["parameters"]}
    assert "from" in period  # the alias, not the Python name


def test_binary_answers_have_their_media_type(document):
    ok = document["paths"]["/api/v1/reports/rates.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(ok) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert list(document["paths"]["/api/v1/stations/{station_id}/qr.png"]["get"]["responses"]["200"]["content"]) \
        == ["image/png"]


def test_schema_names_do_not_clash(document):
    """pydantic renames two models of one name as module__path__Name: name them apart instead."""
    assert [name for name in document["components"]["schemas"] if "__" in name] == []
