"""The access matrix (issue 8): every gateway route × admin, office, leader, deputy, unit, station
and public (no token), against API.md's rules as tests/e2e/access_matrix.py writes them out.

One test per cell, e.g. ``POST /suggestions/{suggestion_id}/screening as unit``: the caller let in
gets a success (each cell's target is in a state that allows it: rows run in order, and ``fresh``
gives a new target where one success would leave the next caller a 409); anyone else 401 (no
token) or 403; and the cell's ``others`` probes (someone else's row) get 404 (or the 403 noted).
"""
import re

import pytest

from tests.e2e.access_matrix import EVERYONE, ROLES, ROWS, Row

PLACEHOLDER = re.compile(r"<(?:[^:>]+:)?([^>]+)>|\{([^}]+)\}")
LET_IN = {"GET": {200}, "write": {200, 201}}


def shape(url: str) -> str:
    """/stations/<int:station_id>/deputies/{deputy_id} → /stations/{}/deputies/{}"""
    return PLACEHOLDER.sub("{}", url)


def placeholders(url: str) -> list[str]:
    return [a or b for a, b in PLACEHOLDER.findall(url)]


def resolve(world, names: dict, role: str) -> dict:
    """Placeholder values: a world id's name, or f(world, role)."""
    return {p: v(world, role) if callable(v) else world.ids[v] if isinstance(v, str) else v
            for p, v in names.items()}


def expected(row: Row, role: str) -> set[int]:
    if role in row.expect:
        return {row.expect[role]}
    if role in row.who:
        return LET_IN["GET" if row.method == "GET" else "write"]
    return {401} if role == "public" else {403}


def send(world, row: Row, role: str, ids: dict, caller: str, body=None):
    body = row.body if body is None else body
    data = body(world, role) if callable(body) else body
    files = row.files(world) if row.files else None
    return world.api.call(row.method, row.url.format(**ids) + row.query, world.tokens[caller],
                          json=None if files else data, files=files)


@pytest.mark.parametrize("row, role", [pytest.param(row, role, id=f"{row.id} as {role}")
                                       for row in ROWS for role in ROLES])
def test_access(access_world, row: Row, role: str):
    world = access_world
    ids = resolve(world, {p: row.ids.get(p, p) for p in placeholders(row.url)}, role)
    if row.fresh and role in row.who:
        ids.update(row.fresh(world, role))
    response = send(world, row, role, ids, row.caller.get(role, role))
    assert response.status_code in expected(row, role), \
        f"{row.id} as {role}: {response.status_code} {response.text[:300]}"
    for probe in (p for p in row.others if p.role == role):
        probe_ids = {**ids, **resolve(world, probe.ids, role)}
        caller = probe.caller or row.caller.get(role, role)
        answer = send(world, row, role, probe_ids, caller, probe.body)
        assert answer.status_code == probe.status, \
            f"{row.id} as {caller} with {probe.ids}: {answer.status_code} {answer.text[:300]}"


def gateway_routes() -> set[tuple[str, str]]:
    """(method, path shape) of every route the gateway's nameko entrypoints serve."""
    from gateway.http import ApiEntrypoint
    from gateway.service import GatewayService
    found = set()
    for name in dir(GatewayService):
        for entrypoint in getattr(getattr(GatewayService, name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, ApiEntrypoint):
                found |= {(method, shape(entrypoint.url)) for method in entrypoint.method.split(",")}
    return found


def test_every_gateway_route_has_a_matrix_row():
    rows = {(row.method, shape(row.url)) for row in ROWS}
    routes = gateway_routes()
    assert len(routes) > 70
    assert sorted(routes - rows) == [], "routes without a row in tests/e2e/access_matrix.py"
    assert sorted(rows - routes) == [], "rows of tests/e2e/access_matrix.py for routes the gateway lacks"


def test_the_openapi_document_states_the_same_roles(api):
    """What front ends read (x-roles of GET /api/v1/openapi.json) is what the matrix enforces."""
    rows = {(row.method, shape(row.url)): row for row in ROWS}
    document = api.get("/openapi.json", expect=200).json()
    stated = {(method.upper(), shape(path)): set(operation["x-roles"]) or set(EVERYONE)
              for path, item in document["paths"].items() for method, operation in item.items()
              if method in ("get", "post", "put", "patch", "delete")}
    assert len(stated) > 70
    differ = {f"{m} {p}": (sorted(roles), sorted(rows[(m, p)].who)) for (m, p), roles in stated.items()
              if (m, p) not in rows or roles != rows[(m, p)].who}
    assert differ == {}, "documented roles (left) differ from the matrix (right)"
