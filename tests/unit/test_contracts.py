"""The gateway–service contract, read from the source (ast): what the gateway may import of a
service, what a service's contract may import, and that every RPC the gateway names exists."""
import ast
import importlib
import sys
from pathlib import Path

import pytest
from nameko.rpc import Rpc

from services.common.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ("schemas", "events", "errors")  # what a service publishes: services/<svc>/<name>.py
CONTRACT_MAY_IMPORT = ("pydantic", "services.common")


def imports(path: Path):
    """(line, module) of every import in the file, at any depth; ``from a import b`` gives a.b
    too, as b may be a module."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: this code base imports absolutely
                yield node.lineno, "." * node.level + (node.module or "")
                continue
            yield node.lineno, node.module
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def under(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def contract_modules(service: str) -> tuple[str, ...]:
    return tuple(f"services.{service}.{name}" for name in CONTRACT)


def gateway_may_import(module: str) -> bool:
    if not under(module, "services") or under(module, "services.common"):
        return True
    parts = module.split(".")
    if len(parts) == 2:  # `from services.station import schemas` names the package first
        return parts[1] in SERVICES
    return parts[1] in SERVICES and under(module, *contract_modules(parts[1]))


def contract_may_import(module: str, service: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or under(module, *CONTRACT_MAY_IMPORT):
        return True
    # its own contract's other modules (and `from services.<svc> import events`)
    return module == f"services.{service}" or under(module, *contract_modules(service))


def offending(paths, allowed) -> list[str]:
    """One line per import statement at fault, naming the first module it may not import."""
    found = {}
    for path in paths:
        for line, module in imports(path):
            if not allowed(path, module):
                found.setdefault((str(path.relative_to(ROOT)), line), module)
    return [f"{where}:{line} imports {module}" for (where, line), module in sorted(found.items())]


def test_the_gateway_imports_of_a_service_only_its_contract():
    paths = sorted((ROOT / "gateway").rglob("*.py"))
    assert len(paths) > 30
    assert offending(paths, lambda path, module: gateway_may_import(module)) == []


def test_a_contract_imports_only_pydantic_the_standard_library_and_services_common():
    paths = [p for s in SERVICES for name in CONTRACT if (p := ROOT / "services" / s / f"{name}.py").exists()]
    assert len(paths) >= 2 * len(SERVICES)  # every service has its schemas, the producers their events
    assert offending(paths, lambda path, module: contract_may_import(module, path.parent.name)) == []


def test_the_rules_name_what_is_wrong():
    assert not gateway_may_import("services.station.domain")
    assert not gateway_may_import("services.suggestion.models")
    assert gateway_may_import("services.station.errors") and gateway_may_import("services.common.rpc")
    assert not contract_may_import("sqlalchemy", "station")
    assert not contract_may_import("nameko.exceptions", "station")
    assert not contract_may_import("services.station.domain", "station")
    assert not contract_may_import("services.suggestion.schemas", "station")
    assert contract_may_import("datetime", "station") and contract_may_import("pydantic.fields", "station")


# every RPC the gateway names

def service_class(service: str):
    module = importlib.import_module(f"services.{service}.service")
    [cls] = [c for c in vars(module).values() if isinstance(c, type) and getattr(c, "name", None) == service
             and c.__module__ == module.__name__]
    return cls


def is_rpc(cls, method: str) -> bool:
    return any(isinstance(e, Rpc) for e in getattr(getattr(cls, method), "nameko_entrypoints", ()))


def named_rpcs(source: str) -> list[tuple[int, str, str]]:
    """(line, service, method) of every ``self.<service>.<method>`` in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        inner = getattr(node, "value", None)
        if (isinstance(node, ast.Attribute) and isinstance(inner, ast.Attribute) and inner.attr in SERVICES
                and isinstance(inner.value, ast.Name) and inner.value.id == "self"):
            found.append((node.lineno, inner.attr, node.attr))
    return found


def unknown_rpcs(calls, path="?") -> list[str]:
    wrong = []
    for line, service, method in calls:
        cls = service_class(service)
        try:
            if not is_rpc(cls, method):
                wrong.append(f"{path}:{line} {service}.{method} is not an @rpc method")
        except AttributeError:
            wrong.append(f"{path}:{line} {service} has no method {method}")
    return wrong


def test_every_rpc_the_gateway_names_is_an_rpc_method_of_that_service():
    calls, wrong = [], []
    for path in sorted((ROOT / "gateway").rglob("*.py")):
        found = named_rpcs(path.read_text())
        calls += found
        wrong += unknown_rpcs(found, path.relative_to(ROOT))
    assert wrong == []
    assert len(calls) > 70  # the routes name their methods in code, not as strings
    assert {service for _, service, _ in calls} == set(SERVICES)
    assert all(is_rpc(service_class(s), "ping") for s in SERVICES)  # /readyz pings every one


def test_a_typo_in_a_method_name_is_caught():
    source = "def f(self):\n    return self.call(self.suggestion.sumbit, 1)\n"
    assert unknown_rpcs(named_rpcs(source)) == ["?:2 suggestion has no method sumbit"]
    assert unknown_rpcs(named_rpcs("self.suggestion.name")) == ["?:1 suggestion.name is not an @rpc method"]


def test_routes_call_no_service_by_a_pair_of_strings():
    from gateway.routes.base import Proxies
    assert not hasattr(Proxies, "rpc")


# configuration: every value through gateway/config.yml

def test_no_gateway_module_reads_the_environment():
    found = []
    for path in sorted((ROOT / "gateway").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and \
                    isinstance(node.value, ast.Name) and node.value.id == "os":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} os.{node.attr}")
    assert found == []


@pytest.fixture
def config():
    from tests.unit.test_platform import load_config

    return lambda **env: load_config("gateway/config.yml", env)


def test_config_yml_defaults_are_the_settings_defaults(config):
    from gateway.settings import GatewaySettings, settings_from

    assert settings_from(config(GATEWAY_JWT_SECRET="k" * 32)) == GatewaySettings(jwt_secret="k" * 32)


def test_each_gateway_variable_reaches_the_settings(config):
    from gateway.settings import settings_from

    settings = settings_from(config(
        GATEWAY_RPC_TIMEOUT="2.5", GATEWAY_MAX_BODY_BYTES="4096", GATEWAY_MAX_JSON_DEPTH="5",
        GATEWAY_MAX_STRING_CHARS="10", GATEWAY_PUBLIC_RATE="6", GATEWAY_PUBLIC_BURST="3", GATEWAY_TRUSTED_PROXIES="1",
        GATEWAY_CORS_ORIGINS="*", GATEWAY_CORS_MAX_AGE="60", GATEWAY_HSTS_MAX_AGE="0", GATEWAY_TOKEN_MAX_TTL="600",
        GATEWAY_JWT_SECRET="0123: #not yaml"))
    assert (settings.rpc_timeout, settings.max_body_bytes) == (2.5, 4096)
    assert (settings.json_limits.max_depth, settings.json_limits.max_string) == (5, 10)
    assert (settings.public_rate, settings.public_burst, settings.trusted_proxies) == (6, 3, 1)
    assert (settings.cors_origins, settings.cors_max_age, settings.hsts_max_age) == ("*", 60, 0)
    assert (settings.token_max_ttl, settings.jwt_secret) == (600, "0123: #not yaml")
    # set but empty, as the environment was read before: the rate limit off, a burst of one
    empty = settings_from(config(GATEWAY_PUBLIC_RATE="", GATEWAY_PUBLIC_BURST="", GATEWAY_MAX_BODY_BYTES=""))
    assert (empty.public_rate, empty.public_burst, empty.max_body_bytes) == (0, 1, 1024 * 1024)


# enums: one source, the services' contracts

def literals(path: Path) -> list[tuple[int, frozenset]]:
    """(line, values) of every ``Literal[...]`` written out in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal":
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if all(isinstance(i, ast.Constant) for i in items):
                found.append((node.lineno, frozenset(i.value for i in items)))
    return found


def test_the_gateway_copies_no_enum_of_a_contract():
    contracts = [ROOT / "services" / "common" / "schemas.py"] + \
        [p for s in SERVICES for name in CONTRACT if (p := ROOT / "services" / s / f"{name}.py").exists()]
    published = {values for path in contracts for _, values in literals(path) if len(values) > 1}
    assert published
    copies = [f"{path.relative_to(ROOT)}:{line} {sorted(values)}"
              for path in sorted((ROOT / "gateway").rglob("*.py")) for line, values in literals(path)
              if values in published]
    assert copies == []
