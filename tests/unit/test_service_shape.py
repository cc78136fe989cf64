"""One shape for every service (issue 14): configuration comes through config.yml into a rules
provider and is passed explicitly; each module has one job (DESIGN.md "Code layout and style").

Every service has the shape; a new service joins USE_CASES.
"""
import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from nameko.cli.main import setup_yaml_parser
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

ROOT = Path(__file__).resolve().parents[2]
# the use-case modules of each service: they take helpers from store.py and answers from views.py,
# never from one another
USE_CASES = {
    "assignment": {"commands", "handling", "oversight", "units", "deadlines", "attachments"},
    "evaluation": {"commands", "satisfaction", "assessment"},
    "station": {"registry", "roster", "activities", "opinions", "intake"},
    # batch.py is not one of them: like a consumer, it composes use cases (commands.submit per imported row)
    "suggestion": {"commands", "screening", "publication", "scheme_admin", "attachments"},
    "notify": {"commands", "dispatcher", "digest", "deliveries"},
}
SHAPED = sorted(USE_CASES)
# what a read (views.py) and a store may build on within their service
READ_SIDE = {"base", "domain", "events", "models", "projection_models", "rules", "schemas", "settings", "store"}
# pure helpers a service's views.py may also use
VIEW_HELPERS = {
    # search terms, masking, the deputy projection's names, the category schemes' rules and the
    # column a page reads their token with (catalog.py is a read module itself: READS)
    "suggestion": {"text", "redaction", "roster", "schemes", "catalog"},
}
# read modules beside views.py, held to the same imports
READS = {"station": {"stats"},  # figures and reports over many stations
         "suggestion": {"catalog"}}  # the category schemes


def modules(service: str) -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "services" / service).glob("*.py"))}


def own_imports(service: str, tree: ast.Module) -> set[str]:
    """The service's own modules a module imports (``from services.<service>[.x] import y``)."""
    prefix = f"services.{service}"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix):
            rest = node.module[len(prefix):].lstrip(".")
            found |= {rest} if rest else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name[len(prefix) + 1:] for a in node.names if a.name.startswith(prefix + ".")}
    return {name.split(".")[0] for name in found}


@pytest.mark.parametrize("service", SHAPED)
def test_no_environment_read_no_module_global_no_defaulted_rules(service):
    for name, tree in modules(service).items():
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Global), f"{service}/{name}.py assigns a module global"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) not in {("os", "environ"), ("os", "getenv")}, \
                    f"{service}/{name}.py reads the environment: values come through config.yml"
            if isinstance(node, (ast.FunctionDef, ast.Lambda)):
                args = node.args
                defaulted = [a.arg for a in (args.args + args.posonlyargs)[len(args.args + args.posonlyargs)
                                                                             - len(args.defaults):]]
                defaulted += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
                assert not {"rules", "settings"} & set(defaulted), \
                    f"{service}/{name}.py: {getattr(node, 'name', 'lambda')} has default rules; pass them"


@pytest.mark.parametrize("service", SHAPED)
def test_rooms_with_one_job(service):
    trees = modules(service)
    assert "handlers" not in trees and "consumers" in trees, "event consumers live in consumers.py"
    assert any(isinstance(n, ast.FunctionDef) and n.name == "make_handlers" for n in trees["consumers"].body)
    assert {"store", "views"} <= set(trees)
    for name in ("views", "store", *READS.get(service, ())):
        allowed = READ_SIDE | (VIEW_HELPERS.get(service, set()) if name != "store" else set())
        wrong = own_imports(service, trees[name]) - allowed
        assert not wrong, f"{service}/{name}.py imports {wrong}"
    for name in USE_CASES[service]:
        others = own_imports(service, trees[name]) & (USE_CASES[service] - {name})
        assert not others, f"{service}/{name}.py takes helpers from the use cases {others}: put them in store.py"
        for node in trees[name].body:
            if isinstance(node, ast.FunctionDef):
                first = node.args.args[0].arg if node.args.args else None
                assert first != "session", f"{service}/{name}.py: {node.name} is a read: put it in views.py"
                assert not node.name.endswith("_dict"), f"{service}/{name}.py: {node.name} belongs in views.py"


def test_assignment_consumers_use_the_rules_they_are_made_with():
    from services.assignment.consumers import make_handlers
    from services.assignment.models import Assignment, AssignmentUnit, Unit
    from services.assignment.rules import Rules
    from services.evaluation.events import Evaluated

    class Tx:
        def __init__(self):
            self.published = []

        def scalar(self, query):
            return a

        def get(self, model, *args, **kwargs):
            return {AssignmentUnit: lead, Unit: Unit(id=3, name="市交通运输局")}.get(model)

        def scalars(self, query):
            # the assignment's units (store.places); no suggestion facts or unit names are needed
            return [lead] if query.column_descriptions[0]["entity"] is AssignmentUnit else []

        def flush(self):
            pass

        def publish(self, event):
            self.published.append(event)

    a = Assignment(id=1, suggestion_id=2, lead_unit_id=3, co_unit_ids=[], state="replied", round=1,
                   due_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    # the lead unit handles (and is rated) on its own place: state, round, due date (分办, issue 15)
    lead = AssignmentUnit(assignment_id=1, unit_id=3, is_lead=True, role="lead", state="replied", round=1,
                          due_at=a.due_at)
    rating = Evaluated(assignment_id=1, suggestion_id=2, round=1, satisfaction="dissatisfied", final=False,
                       deputy_id=5, lead_deputy_id=5, lead_unit_id=3, number=None, title=None, actor="deputy:5",
                       note="不满意")
    rules = Rules(deadlines={**Rules().deadlines, "rehandling": 7})
    tx = Tx()
    make_handlers(rules)["evaluation.evaluated"](tx, SimpleNamespace(payload=rating,
                                                                     envelope=SimpleNamespace(payload={})))
    assert lead.state == "rehandling" and lead.round == 2 and lead.due_at == a.due_at
    assert a.state == "rehandling" and a.round == 2
    # 7 local days on, at the end of that day (services/common/localtime.py)
    assert timedelta(days=7) <= a.due_at - datetime.now(timezone.utc) < timedelta(days=8)
    assert [e.event_type for e in tx.published] == ["assignment.rehandling_opened"]


def test_the_gauge_interval_comes_from_config_yml(monkeypatch):
    from services.common.timers import ConfigTimer
    from services.evaluation.service import EvaluationService

    timers = [e for e in getattr(EvaluationService.refresh_gauges, ENTRYPOINT_EXTENSIONS_ATTR)
              if isinstance(e, ConfigTimer)]
    assert [(t.key, t.eager) for t in timers] == [("GAUGE_INTERVAL", True)]
    setup_yaml_parser()
    monkeypatch.setenv("EVALUATION_GAUGE_INTERVAL", "42")
    config = yaml.safe_load((ROOT / "services/evaluation/config.yml").read_text(encoding="utf-8"))
    assert float(config["GAUGE_INTERVAL"]) == 42
