"""Writes the Grafana dashboards of this directory (one JSON file per area) from the panels below.

    .venv/bin/python deploy/monitoring/grafana/build.py

Edit the panels here and run it again; the JSON files are what Grafana imports (Dashboards →
Import, or a provisioning directory). tests/unit/test_monitoring.py checks the files are this
script's output and that every metric they query exists in the code.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
DS = {"type": "prometheus", "uid": "${datasource}"}
SERVICES = ("suggestion", "assignment", "station", "evaluation", "notify", "identity")
JOBS = "gateway|" + "|".join(SERVICES)
EVENT_QUEUES = r"lianxin\\..+\\.events"


def q(expr: str, legend: str = "", instant: bool = False) -> dict:
    target = {"expr": expr, "legendFormat": legend or "__auto", "datasource": DS}
    if instant:
        target["instant"], target["range"] = True, False
    return target


def panel(title: str, targets: list, kind: str = "timeseries", unit: str = "short", w: int = 12,
          h: int = 8, description: str = "", stacked: bool = False) -> dict:
    p = {"type": kind, "title": title, "description": description, "datasource": DS,
         "targets": [dict(t, refId=chr(ord("A") + i)) for i, t in enumerate(targets)],
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}, "options": {},
         "gridPos": {"w": w, "h": h}}
    if kind == "timeseries":
        p["fieldConfig"]["defaults"]["custom"] = {"stacking": {"mode": "normal" if stacked else "none"},
                                                  "fillOpacity": 20 if stacked else 0}
        p["options"] = {"legend": {"displayMode": "list", "placement": "bottom"}, "tooltip": {"mode": "multi"}}
    elif kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value", "graphMode": "area"}
    elif kind == "bargauge":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"]}, "orientation": "horizontal",
                        "displayMode": "gradient"}
    return p


def row(title: str) -> dict:
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "gridPos": {"w": 24, "h": 1}}


def dashboard(uid: str, title: str, description: str, panels: list, variables: list = ()) -> dict:
    x = y = row_h = 0
    for i, p in enumerate(panels, start=1):  # lay the panels out left to right, wrapping at 24
        g = p["gridPos"]
        if x + g["w"] > 24 or p["type"] == "row":
            x, y, row_h = 0, y + row_h, 0
        g["x"], g["y"] = x, y
        x, row_h = x + g["w"], max(row_h, g["h"])
        p["id"] = i
    datasource = {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
                  "current": {}, "hide": 0, "refresh": 1, "options": []}
    return {
        "uid": uid, "title": title, "description": description, "tags": ["lianxin"],
        "editable": True, "graphTooltip": 1, "timezone": "browser", "schemaVersion": 38, "version": 1,
        "refresh": "30s", "time": {"from": "now-6h", "to": "now"},
        "annotations": {"list": []}, "links": [],
        "templating": {"list": [datasource, *variables]},
        "panels": panels,
    }


def intake() -> dict:
    return dashboard("lianxin-intake", "Lianxin / Intake", "Suggestions coming in and screened (提)", [
        panel("Submitted, waiting for screening", [q('max(lianxin_suggestions{status="submitted"})')], "stat", w=6, h=4),
        panel("Accepted, not yet assigned", [q('max(lianxin_suggestions{status="accepted"})')], "stat", w=6, h=4),
        panel("Drafts", [q('max(lianxin_suggestions{status="draft"})')], "stat", w=6, h=4),
        panel("Suggestions (not drafts)", [q('max(lianxin_suggestions{status!="draft"})')], "stat", w=6, h=4),
        panel("Suggestions by status", [q("max by (status) (lianxin_suggestions)", "{{status}}")], stacked=True,
              description="lianxin_suggestions, refreshed by the suggestion service every GAUGE_INTERVAL s; every replica reports the database's same count, hence max, not sum"),
        panel("Submissions and screening per minute", [
            q('sum by (method_name) (rate(suggestion_rpc_requests_total{method_name=~"submit|submit_draft|screen"}[5m])) * 60',
              "{{method_name}}")]),
        panel("Public QR intake per minute (联络站)", [
            q("sum by (outcome) (rate(lianxin_station_public_intake_total[5m])) * 60", "{{outcome}}")],
              description="accepted, or refused by the per-address limit (rate_limited)"),
        panel("Gateway answers on /suggestions routes", [
            q('sum by (status_code) (rate(gateway_http_requests_total{endpoint=~"/api/v1/suggestions.*"}[5m]))',
              "{{status_code}}")], unit="reqps"),
        panel("Intake latency p95", [
            q('histogram_quantile(0.95, sum by (method_name, le) (rate(suggestion_rpc_request_latency_seconds_bucket{method_name=~"submit|submit_draft|screen"}[5m])))',
              "{{method_name}}")], unit="s", w=24),
    ])


def handling() -> dict:
    return dashboard("lianxin-handling", "Lianxin / Handling and deadlines",
                     "Assignments being handled, their deadlines and the units' rates (交, 办, 督)", [
        panel("Overdue replies", [q("max(lianxin_assignments_overdue)")], "stat", w=8, h=4),
        panel("Due within 3 days", [q('max(lianxin_assignments_due_soon{within_days="3"})')], "stat", w=8, h=4),
        panel("Due within 14 days", [q('max(lianxin_assignments_due_soon{within_days="14"})')], "stat", w=8, h=4),
        panel("Replies overdue and due soon", [
            q("max(lianxin_assignments_overdue)", "overdue"),
            q("max by (within_days) (lianxin_assignments_due_soon)", "due within {{within_days}} days")],
              description="Handling units (the lead, or each unit of a separate assignment) owing a reply"),
        panel("Suggestions in handling by status", [
            q('max by (status) (lianxin_suggestions{status=~"assigned|signed|replied|rehandling|evaluated"})',
              "{{status}}")], stacked=True),
        panel("Units with the most overdue", [q("topk(10, lianxin_unit_overdue)", "{{unit}}", instant=True)],
              "bargauge"),
        panel("Units with the lowest on-time rate", [
            q("bottomk(10, lianxin_unit_on_time_rate)", "{{unit}}", instant=True)], "bargauge", unit="percentunit"),
        panel("Deadline reminders published per hour", [
            q('sum by (type) (increase(lianxin_outbox_published_total{type=~"assignment.due_soon|assignment.overdue"}[1h]))',
              "{{type}}")]),
        panel("Notifications delivered per minute", [
            q("sum by (channel, outcome) (rate(lianxin_notify_deliveries_total[5m])) * 60", "{{channel}} {{outcome}}")]),
        panel("Completion rate by unit (lowest 10)", [
            q("bottomk(10, lianxin_unit_completion_rate)", "{{unit}}", instant=True)], "bargauge", unit="percentunit"),
        panel("Satisfaction rate by unit (lowest 10)", [
            q("bottomk(10, lianxin_unit_satisfaction_rate)", "{{unit}}", instant=True)], "bargauge",
              unit="percentunit"),
    ])


def events() -> dict:
    return dashboard("lianxin-events", "Lianxin / Events and outbox",
                     "The outbox relays, the event queues, handling outcomes and dead letters", [
        panel("Outbox: unsent events", [q("max by (service) (lianxin_outbox_unsent_events)", "{{service}}")],
              description="Rows committed and not yet confirmed by RabbitMQ; the relay empties it within a second"),
        panel("Outbox: age of the oldest unsent event", [
            q("max by (service) (lianxin_outbox_oldest_unsent_age_seconds)", "{{service}}")], unit="s"),
        panel("Events published per second", [
            q("sum by (service) (rate(lianxin_outbox_published_total[5m]))", "{{service}}")], unit="ops"),
        panel("Unroutable events per hour (no queue bound)", [
            q("sum by (service, type) (increase(lianxin_outbox_unroutable_total[1h]))", "{{service}} {{type}}")]),
        panel("Events handled per second, by outcome", [
            q("sum by (consumer, outcome) (rate(lianxin_events_handled_total[5m]))", "{{consumer}} {{outcome}}")],
              unit="ops"),
        panel("Dead letters waiting", [q("max by (service) (lianxin_dead_letters_waiting)", "{{service}}")],
              description="make deadletters SERVICE=<service> lists them; ARGS=replay replays them"),
        panel("Event queues: messages ready", [
            q(f'rabbitmq_detailed_queue_messages_ready{{queue=~"{EVENT_QUEUES}"}}', "{{queue}}")]),
        panel("Event queues: messages unacknowledged", [
            q(f'rabbitmq_detailed_queue_messages_unacked{{queue=~"{EVENT_QUEUES}"}}', "{{queue}}")]),
        panel("Consumers per queue", [
            q(f'rabbitmq_detailed_queue_consumers{{queue=~"{EVENT_QUEUES}|rpc-.+"}}', "{{queue}}")],
              description="0 on a lianxin.*.events or rpc-* queue: its service is not consuming"),
        panel("RabbitMQ connections and channels", [
            q("sum(rabbitmq_connections)", "connections"), q("sum(rabbitmq_channels)", "channels")]),
        panel("RabbitMQ alarms (memory, disk)", [
            q("max(rabbitmq_alarms_memory_used_watermark)", "memory"),
            q("max(rabbitmq_alarms_free_disk_space_watermark)", "disk")],
              description="1: RabbitMQ blocks publishers; the outboxes grow until it clears"),
        panel("Seconds since the gauges were refreshed", [
            q("time() - lianxin_gauges_refreshed_timestamp_seconds", "{{service}}")], unit="s",
              description="Grows past GAUGE_INTERVAL when a service cannot read its database"),
    ])


def latency() -> dict:
    service = {"name": "service", "label": "Service", "type": "custom", "query": ",".join(SERVICES),
               "current": {"text": SERVICES[0], "value": SERVICES[0]}, "hide": 0, "multi": False,
               "options": [{"text": s, "value": s, "selected": s == SERVICES[0]} for s in SERVICES]}
    return dashboard("lianxin-latency", "Lianxin / Service latency and errors",
                     "The gateway's answers, and each service's RPC, event and timer latency", [
        row("Gateway"),
        panel("Processes up", [q(f'up{{job=~"{JOBS}"}}', "{{job}}", instant=True)], "stat", w=24, h=4),
        panel("Gateway answers by status", [
            q("sum by (status_code) (rate(gateway_http_requests_total[5m]))", "{{status_code}}")], unit="reqps"),
        panel("Gateway 5xx ratio", [
            q('sum(rate(gateway_http_requests_total{status_code=~"5.."}[5m])) / sum(rate(gateway_http_requests_total[5m]))',
              "5xx")], unit="percentunit", description="LianxinHighErrorRate fires above 5%"),
        panel("Gateway p95 by route (slowest 10)", [
            q("topk(10, histogram_quantile(0.95, sum by (endpoint, le) (rate(gateway_http_request_latency_seconds_bucket[5m]))))",
              "{{endpoint}}")], unit="s"),
        panel("Requests refused at the entrypoint", [
            q("sum by (status, code) (rate(lianxin_gateway_refused_total[5m]))", "{{status}} {{code}}")],
              unit="reqps"),
        row("Service: $service"),
        panel("RPC calls per second by method", [
            q("sum by (method_name) (rate(${service}_rpc_requests_total[5m]))", "{{method_name}}")], unit="ops"),
        panel("RPC p95 by method", [
            q("histogram_quantile(0.95, sum by (method_name, le) (rate(${service}_rpc_request_latency_seconds_bucket[5m])))",
              "{{method_name}}")], unit="s", description="LianxinRpcLatencyHigh fires above 1 s"),
        panel("Event handling p95", [
            q("histogram_quantile(0.95, sum by (le) (rate(${service}_consumer_request_latency_seconds_bucket[5m])))",
              "p95"),
            q("sum(rate(${service}_consumer_requests_total[5m]))", "per second")], unit="s"),
        panel("Events failed by outcome", [
            q('sum by (type, outcome) (rate(lianxin_events_handled_total{consumer="$service", outcome=~"dead_lettered|invalid|malformed|undecodable"}[5m]))',
              "{{type}} {{outcome}}")], unit="ops"),
        panel("Timers p95", [
            q("histogram_quantile(0.95, sum by (method_name, le) (rate(${service}_timer_request_latency_seconds_bucket[5m])))",
              "{{method_name}}")], unit="s"),
        panel("Workers busy", [
            q("${service}_service_running_workers", "running"), q("${service}_service_max_workers", "max")]),
        panel("Memory (resident)", [q('process_resident_memory_bytes{job=~"$service|gateway"}', "{{job}}")],
              unit="bytes"),
        panel("CPU", [q('rate(process_cpu_seconds_total{job=~"$service|gateway"}[5m])', "{{job}}")],
              unit="percentunit"),
    ], variables=[service])


DASHBOARDS = {"intake.json": intake, "handling.json": handling, "events.json": events, "latency.json": latency}


def render() -> dict[str, str]:
    return {name: json.dumps(build(), indent=2, ensure_ascii=False) + "\n" for name, build in DASHBOARDS.items()}


if __name__ == "__main__":
    for name, text in render().items():
        (HERE / name).write_text(text)
        print(f"wrote {HERE / name}")
