"""deploy/monitoring: promtool's checks and rule unit tests, the dashboards, and that every metric
the alerts and dashboards query is one the code registers (so they do not drift apart).

promtool comes from Debian's prometheus package (scripts/system.sh browser, i.e. `make test-tools`);
without it these tests fail, they do not skip.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
GRAFANA = MONITORING / "grafana"
RUNBOOK = ROOT / "deploy" / "README.md"
SERVICES = ("suggestion", "assignment", "station", "evaluation", "notify", "identity")
PROCESSES = ("gateway", *SERVICES)

# what the alerts and dashboards use of RabbitMQ's own exporter (rabbitmq_prometheus, RabbitMQ 3.10);
# tests/e2e/test_prometheus.py checks a real Prometheus scrapes each of them
RABBITMQ_METRICS = {
    "rabbitmq_detailed_queue_messages_ready", "rabbitmq_detailed_queue_messages_unacked",
    "rabbitmq_detailed_queue_consumers", "rabbitmq_connections", "rabbitmq_channels",
    "rabbitmq_alarms_memory_used_watermark", "rabbitmq_alarms_free_disk_space_watermark",
}
PROMETHEUS_METRICS = {"up"}  # Prometheus's own, per target

sys.path.insert(0, str(GRAFANA))
import build as dashboards  # noqa: E402 - deploy/monitoring/grafana/build.py


def promtool(*args: str, cwd: Path = MONITORING) -> subprocess.CompletedProcess:
    exe = shutil.which("promtool")
    assert exe, "promtool is missing: `bash scripts/system.sh browser` (make test-tools) installs Debian's prometheus"
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def alert_rules() -> list[dict]:
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


# ---------------------------------------------------------------- promtool


def test_promtool_checks_the_config_and_the_rules():
    config = promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    rules = promtool("check", "rules", "alerts.yml")
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in rules.stdout


def test_the_alert_rules_pass_their_unit_tests():
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_tested_firing_and_quiet_and_has_a_runbook():
    tests = yaml.safe_load((MONITORING / "alerts_test.yml").read_text())["tests"]
    cases = [case for test in tests for case in test.get("alert_rule_test", [])]
    runbook = RUNBOOK.read_text()
    for rule in alert_rules():
        name = rule["alert"]
        own = [case for case in cases if case["alertname"] == name]
        assert any(case.get("exp_alerts") for case in own), f"{name}: no test where it fires"
        assert any(not case.get("exp_alerts") for case in own), f"{name}: no test where it stays quiet"
        notes = rule["annotations"]
        assert notes.get("summary") and notes.get("description"), name
        assert notes["runbook_url"] == f"deploy/README.md#{name.lower()}", name
        assert re.search(rf"^#+ {name}$", runbook, re.M), f"{name}: no heading in deploy/README.md"
        assert rule["labels"]["severity"] in ("critical", "warning", "info"), name


# ---------------------------------------------------------------- the scrape config


def env_defaults() -> dict[str, str]:
    text = (ROOT / "scripts" / "env.sh").read_text()
    return dict(re.findall(r'export (\w+_METRICS_ADDRESS)="\$\{\w+:-([^}]+)\}"', text))


def test_prometheus_scrapes_every_process_and_rabbitmq():
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {*PROCESSES, "rabbitmq", "rabbitmq-queues"}
    defaults = env_defaults()
    for process in PROCESSES:  # the ports `make up` gives them (scripts/env.sh)
        assert jobs[process]["static_configs"][0]["targets"] == [defaults[f"{process.upper()}_METRICS_ADDRESS"]]
    assert jobs["rabbitmq"]["static_configs"][0]["targets"] == ["127.0.0.1:15692"]
    queues = jobs["rabbitmq-queues"]
    assert queues["metrics_path"] == "/metrics/detailed"
    assert set(queues["params"]["family"]) == {"queue_coarse_metrics", "queue_consumer_count"}
    assert config["rule_files"] == ["alerts.yml"]


def test_system_sh_enables_rabbitmq_prometheus_and_installs_promtool():
    script = (ROOT / "scripts" / "system.sh").read_text()
    assert "rabbitmq-plugins -q enable rabbitmq_prometheus" in script
    assert re.search(r"browser\).*ensure_prometheus", script)


# ---------------------------------------------------------------- dashboards


def test_the_dashboards_are_build_py_output():
    rendered = dashboards.render()
    assert set(rendered) == {p.name for p in GRAFANA.glob("*.json")}
    for name, text in rendered.items():
        assert (GRAFANA / name).read_text() == text, f"{name} is stale: run deploy/monitoring/grafana/build.py"


def dashboard_files() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(GRAFANA.glob("*.json"))}


def test_each_dashboard_is_grafana_json_on_a_prometheus_datasource_variable():
    files = dashboard_files()
    assert set(files) == {"intake.json", "handling.json", "events.json", "latency.json"}
    uids = set()
    for name, board in files.items():
        assert board["uid"] not in uids and board["title"].startswith("Lianxin / "), name
        uids.add(board["uid"])
        variables = {v["name"]: v for v in board["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), name
        for p in board["panels"]:
            g = p["gridPos"]
            assert g["x"] + g["w"] <= 24 and g["h"] > 0, (name, p["title"])
            if p["type"] == "row":
                continue
            assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, (name, p["title"])
            assert p["targets"] and all(t["expr"] and t["refId"] for t in p["targets"]), (name, p["title"])


def dashboard_exprs() -> list[tuple[str, str]]:
    """(where, expr) of every dashboard query, a ``$service`` query once per service."""
    out = []
    for name, board in dashboard_files().items():
        for p in board["panels"]:
            for t in p.get("targets", []):
                expr = t["expr"]
                values = SERVICES if "$service" in expr or "${service}" in expr else (None,)
                for svc in values:
                    out.append((f"{name}: {p['title']}",
                                expr if svc is None else expr.replace("${service}", svc).replace("$service", svc)))
    return out


def test_every_dashboard_query_is_valid_promql(tmp_path):
    rules = [{"record": f"dashboard:query:{i}", "expr": expr} for i, (_, expr) in enumerate(dashboard_exprs())]
    path = tmp_path / "dashboard_queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- metric names against the code

REGISTERED = re.compile(r'get_or_create\(\s*(Counter|Gauge|Histogram|Summary)\s*,\s*"([a-zA-Z_:][\w:]*)"')
NAMEKO_PROMETHEUS = re.compile(r'(Counter|Gauge|Histogram)\(\s*f"\{prefix\}_(\w+)"')
SUFFIXES = {"Counter": ("_total", "_created"), "Gauge": ("",), "Histogram": ("_bucket", "_sum", "_count", "_created"),
            "Summary": ("_sum", "_count", "_created")}


def series(kind: str, name: str) -> set[str]:
    if kind == "Counter":
        name = name.removesuffix("_total")  # prometheus_client adds it back
    return {name + suffix for suffix in SUFFIXES[kind]}


def code_metric_names() -> set[str]:
    """Every series name the processes can expose: the code's get_or_create() metrics,
    nameko-prometheus's per-service metrics, prometheus_client's process metrics."""
    names: set[str] = set()
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("gateway/**/*.py")]:
        for kind, name in REGISTERED.findall(path.read_text()):
            names |= series(kind, name)
    import nameko_prometheus.dependencies as npd
    templates = NAMEKO_PROMETHEUS.findall(Path(npd.__file__).read_text())
    assert len(templates) > 10, "nameko-prometheus changed how it names its metrics"
    for process in PROCESSES:  # its prefix is the nameko service name
        for kind, suffix in templates:
            names |= series(kind, f"{process}_{suffix}")
    from prometheus_client import REGISTRY
    for family in REGISTRY.collect():
        if family.name.startswith(("process_", "python_")):
            names |= {s.name for s in family.samples}
    return names


STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
NAME_REGEX = re.compile(r'__name__\s*=~\s*"((?:[^"\\]|\\.)*)"')
KEYWORDS = {"sum", "by", "without", "rate", "increase", "deriv", "delta", "histogram_quantile", "topk", "bottomk",
            "max", "min", "avg", "count", "time", "and", "or", "unless", "offset", "le", "on", "ignoring",
            "max_over_time", "min_over_time", "abs", "clamp_min", "label_replace"}


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (selectors by name, and ``__name__=~`` alternatives)."""
    found = set()
    for regex in NAME_REGEX.findall(expr):
        regex = regex.replace("\\\\", "\\")
        m = re.fullmatch(r"\(([\w|]+)\)(\w+)", regex)
        assert m, f"a __name__ regex the test cannot expand: {regex}"
        found |= {prefix + m.group(2) for prefix in m.group(1).split("|")}
    bare = STRINGS.sub('""', expr)
    bare = re.sub(r"\{[^}]*\}", "{}", bare)  # label matchers
    bare = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", bare)  # grouping labels
    bare = re.sub(r"\[[^\]]*\]", "[]", bare)  # ranges
    for token in re.findall(r"(?<![\w.])([a-zA-Z_:][\w:]*)", bare):
        if token not in KEYWORDS and not re.fullmatch(r"\d+[smhdwy]", token):
            found.add(token)
    return found


def test_metric_names_are_extracted_from_promql():
    assert metric_names('sum by (job, le) (rate({__name__=~"(a|b)_x_bucket"}[5m])) > 1 and c_total{q="d_e"}') \
        == {"a_x_bucket", "b_x_bucket", "c_total"}
    assert metric_names("lianxin_a - lianxin_a offset 1d > 0") == {"lianxin_a"}


def test_every_metric_the_alerts_and_dashboards_use_exists_in_the_code():
    known = code_metric_names() | RABBITMQ_METRICS | PROMETHEUS_METRICS
    assert {"lianxin_suggestions", "lianxin_assignments_overdue", "lianxin_dead_letters_waiting",
            "lianxin_outbox_unsent_events", "suggestion_rpc_request_latency_seconds_bucket",
            "gateway_http_requests_total", "process_resident_memory_bytes"} <= known
    used = [(f"alerts.yml: {rule['alert']}", rule["expr"]) for rule in alert_rules()] + dashboard_exprs()
    unknown = {(where, name) for where, expr in used for name in metric_names(expr) if name not in known}
    assert not unknown, f"metrics no code registers: {sorted(unknown)}"
    # and the business gauges operators asked for are all on a dashboard
    on_boards = {name for _, expr in dashboard_exprs() for name in metric_names(expr)}
    assert {"lianxin_suggestions", "lianxin_assignments_overdue", "lianxin_assignments_due_soon",
            "lianxin_dead_letters_waiting", "lianxin_outbox_unsent_events",
            "lianxin_outbox_oldest_unsent_age_seconds", "rabbitmq_detailed_queue_messages_ready",
            "rabbitmq_detailed_queue_consumers"} <= on_boards


# ---------------------------------------------------------------- the gauges' timer


def test_every_service_refreshes_its_gauges_on_a_configured_timer(monkeypatch):
    from nameko.cli.main import setup_yaml_parser
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    from services.common.service_base import ServiceBase
    from services.common.timers import ConfigTimer

    timers = [e for e in getattr(ServiceBase.refresh_gauges_tick, ENTRYPOINT_EXTENSIONS_ATTR)
              if isinstance(e, ConfigTimer)]
    assert [(t.key, t.eager) for t in timers] == [("GAUGE_INTERVAL", True)]
    setup_yaml_parser()
    for service in SERVICES:
        monkeypatch.setenv(f"{service.upper()}_GAUGE_INTERVAL", "42")
        config = yaml.safe_load((ROOT / "services" / service / "config.yml").read_text(encoding="utf-8"))
        assert float(config["GAUGE_INTERVAL"]) == 42, service
