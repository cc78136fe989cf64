"""Every gateway route that answers or takes a workbook waits WORKBOOK_TIMEOUT for its RPC, not the
default page timeout: a workbook reads or writes every row (the rates report over 2,000,000
assignments with 50,000 overdue took 7.4 s and was a 503 at the default 5 s)."""
import ast
from pathlib import Path

ROUTES = Path(__file__).resolve().parents[2] / "gateway" / "routes"


def _workbook_handlers():
    for path in sorted(ROUTES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "api":
                    media = [k.value for k in deco.keywords if k.arg == "media"]
                    if media and getattr(media[0], "id", None) == "XLSX":
                        yield path.name, node


def _calls(fn):
    return [n for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == "call" and getattr(n.func.value, "id", None) == "self"]


def test_workbook_routes_wait_the_workbook_timeout():
    handlers = list(_workbook_handlers())
    assert {name for name, _ in handlers} >= {"evaluation.py", "suggestions.py", "audit.py"}
    for name, fn in handlers:
        calls = _calls(fn)
        assert calls, f"{name}:{fn.name} makes no RPC"
        for call in calls:
            timeouts = [k.value for k in call.keywords if k.arg == "timeout"]
            assert timeouts and getattr(timeouts[0], "id", None) == "WORKBOOK_TIMEOUT", f"{name}:{fn.name}"


def test_the_workbook_timeout_is_longer_than_a_pages():
    from gateway.routes.base import WORKBOOK_TIMEOUT
    from gateway.settings import GatewaySettings

    assert WORKBOOK_TIMEOUT > GatewaySettings().rpc_timeout
