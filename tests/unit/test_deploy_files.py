"""Static checks of the deployment files: Dockerfile, docker-compose.yml, deploy/k8s.

No Docker engine or cluster is needed; `kubectl kustomize` renders offline.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

SERVICES = {"suggestion": 9101, "assignment": 9102, "station": 9103, "evaluation": 9104, "notify": 9105, "identity": 9106}
GATEWAY_PORT = 8000
GATEWAY_METRICS_PORT = 9100
APPS = [*SERVICES, "gateway"]
REQUIRED_ENV = {"AMQP_URI", "PG_URL", "DB_PREFIX", "IDENTITY_DATA_KEY", "MAX_WORKERS", "PSYCOPG_WAIT_FUNC"}
# secrets every deployment must supply; none may have a value or a default in the repository
SECRET_ENV = {"IDENTITY_DATA_KEY", "INTAKE_SECRET", "WEBHOOK_SECRET", "PGPASSWORD", "AMQP_URI"}
KNOWN_SECRET = re.compile(r"change-?me|dev-secret|dev-only|guest:guest", re.I)  # as the repo's before-stop hook
REQUIRED_VAR = re.compile(r"\$\{(\w+):\?[^}]+\}")  # ${VAR:?message}: compose stops when VAR is unset
METRICS_ENV = {f"{svc.upper()}_METRICS_ADDRESS": port for svc, port in SERVICES.items()}
IMAGE = "lianxin"  # repository name used by every project container
POOLER_IMAGE = "lianxin-pgbouncer"  # deploy/pgbouncer: Debian's PgBouncer, configured from its environment
INFRA_IMAGES = ("lianxin-rabbitmq:", "lianxin-postgres:", POOLER_IMAGE)  # deploy/images, deploy/pgbouncer


# ---------------------------------------------------------------- helpers


def app_command(app: str) -> tuple[str, str]:
    """(module, config path) that `nameko run` must be given for an app."""
    if app == "gateway":
        return "gateway.service:GatewayService", "gateway/config.yml"
    return f"services.{app}.service:{app.capitalize()}Service", f"services/{app}/config.yml"


def test_every_command_target_is_a_nameko_service_of_that_name():
    import importlib

    for app in APPS:
        module, cls = app_command(app)[0].split(":")
        service = getattr(importlib.import_module(module), cls)
        assert service.name == app, f"{module}:{cls} is named {service.name}, not {app}"


def check_nameko_command(cmd, app: str, where: str) -> None:
    if isinstance(cmd, str):
        cmd = cmd.split()
    assert cmd, f"{where}: no command for {app}"
    module, config = app_command(app)
    assert cmd[:2] == ["nameko", "run"], f"{where}: {app} must start with `nameko run`, got {cmd}"
    assert cmd[-1] == module, f"{where}: {app} must run {module}, got {cmd}"
    assert "--config" in cmd and cmd[cmd.index("--config") + 1] == config, (
        f"{where}: {app} must use --config {config}, got {cmd}"
    )
    assert not any("migrate" in part for part in cmd), f"{where}: {app} runs migrations at start: {cmd}"


def load_k8s() -> dict[str, list[dict]]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        docs[path.name] = [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def all_k8s_docs() -> list[dict]:
    return [d for docs in load_k8s().values() for d in docs]


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d.get("kind") == kind}


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def generated_secrets(target: str, tmp_path) -> dict[str, str]:
    """What `scripts/make_secrets.sh TARGET` writes (into tmp_path, not the checkout)."""
    out = tmp_path / f"{target}.env"
    subprocess.run(["bash", "scripts/make_secrets.sh", target], cwd=ROOT, env={**os.environ, "OUT": str(out)},
                   check=True, capture_output=True)
    lines = [ln for ln in out.read_text().splitlines() if ln and not ln.startswith("#")]
    return dict(ln.split("=", 1) for ln in lines)


def k8s_env_names(secret_keys: set[str]) -> set[str]:
    """The ConfigMap's keys and the Secret's (made by scripts/make_secrets.sh k8s, never committed)."""
    names = set(secret_keys)
    for cm in by_kind(all_k8s_docs(), "ConfigMap").values():
        names |= set(cm.get("data", {}))
    return names


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader without nameko's ${VAR:default} resolver, which another test's import may have
    registered on SafeLoader itself: compose's ${VAR:?message} must be read as written."""


@pytest.fixture(scope="module")
def compose() -> dict:
    _PlainLoader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "!env_var"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return yaml.load(COMPOSE.read_text(), Loader=_PlainLoader)


@pytest.fixture(scope="module")
def k8s() -> dict[str, list[dict]]:
    return load_k8s()


# ---------------------------------------------------------------- Dockerfile


def test_dockerfile_base_user_env_and_no_migrations():
    text = DOCKERFILE.read_text()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    # every stage from the base made from a Debian mirror (scripts/base_image.sh) or a registry's: no Docker Hub
    assert lines[0] == "ARG BASE_IMAGE=lianxin-base:bookworm", lines[0]
    froms = [ln for ln in lines if ln.upper().startswith("FROM ")]
    assert froms and all(ln.split()[1] == "${BASE_IMAGE}" for ln in froms), froms
    user_lines = [ln for ln in lines if ln.upper().startswith("USER ")]
    assert user_lines and user_lines[-1].split()[1].split(":")[0] == "10001", f"must end as USER 10001, got {user_lines}"
    assert re.search(r"pip install[^\n]*--index-url \"\$PIP_INDEX_URL\"[^\n]*-r\s+\S*requirements-runtime\.lock", text)
    assert "requirements.lock" not in text, "the image installs the runtime set only, no test tools"
    assert re.search(r"PYTHONPATH=/app\b", text), "ENV PYTHONPATH=/app missing"
    assert re.search(r"PSYCOPG_WAIT_FUNC=wait_select\b", text), "ENV PSYCOPG_WAIT_FUNC=wait_select missing"
    for ln in lines:
        if ln.upper().startswith(("CMD", "ENTRYPOINT")):
            assert "migrat" not in ln and "alembic" not in ln, f"migrations in the image start command: {ln}"


def test_infra_dockerfiles_build_from_the_base_and_run_as_non_root():
    for path in [ROOT / "deploy/pgbouncer/Dockerfile", *sorted((ROOT / "deploy/images").glob("*/Dockerfile"))]:
        lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        assert lines[:2] == ["ARG BASE_IMAGE=lianxin-base:bookworm", "FROM ${BASE_IMAGE}"], (path, lines[:2])
        users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
        assert users and users[-1] not in ("root", "0", "0:0"), (path, users)
        assert any(ln.startswith("HEALTHCHECK ") for ln in lines), f"{path}: no HEALTHCHECK"


def _pins(path: Path) -> dict[str, str]:
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith(("#", "-"))]
    return {ln.split("==")[0].lower().replace("_", "-"): ln.split("==")[1] for ln in lines}


def test_runtime_requirements_are_the_locks_pins_without_test_tools():
    full, runtime = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-runtime.lock")
    assert {name: full.get(name) for name in runtime} == runtime, "requirements-runtime.lock must pin as requirements.lock"
    direct = {re.split(r"[\[=<>]", ln.strip())[0].lower().replace("_", "-")
              for ln in (ROOT / "requirements.in").read_text().splitlines() if ln.strip() and not ln.startswith("#")}
    assert direct <= set(runtime), f"in requirements.in but not requirements-runtime.lock: {direct - set(runtime)}"
    assert not {"pytest", "aiosmtpd", "schemathesis", "hypothesis", "pyflakes"} & set(runtime)


# ---------------------------------------------------------------- compose


def test_compose_has_every_app_with_command_and_port(compose):
    services = compose["services"]
    for app in APPS:
        assert app in services, f"docker-compose.yml lacks service {app}"
        svc = services[app]
        check_nameko_command(svc.get("command"), app, "compose")
        port = SERVICES.get(app, GATEWAY_PORT)
        published = {str(p).split(":")[-1] for p in svc.get("ports", [])}
        assert str(port) in published, f"compose: {app} must publish port {port}, has {svc.get('ports')}"


def test_compose_infra_has_healthchecks(compose):
    services = compose["services"]
    for name, prefix in (("rabbitmq", "lianxin-rabbitmq:"), ("postgres", "lianxin-postgres:")):
        assert name in services, f"compose lacks {name}"
        assert str(services[name]["image"]).startswith(prefix), f"{name} image must be {prefix}*"
        assert services[name].get("healthcheck", {}).get("test"), f"{name} needs a healthcheck"


def test_compose_one_shots_and_dependencies(compose):
    services = compose["services"]
    topo = services.get("topology")
    assert topo, "compose lacks the topology one-shot"
    assert "services.common.topology" in " ".join(topo["command"]), topo["command"]
    assert topo.get("restart", "no") == "no", "topology must not restart"
    for svc in SERVICES:
        mig = services.get(f"migrate-{svc}")
        assert mig, f"compose lacks migrate-{svc}"
        assert mig["command"][-3:] == ["services.common.migrate", svc] or \
            " ".join(mig["command"]).endswith(f"services.common.migrate {svc}"), mig["command"]
        assert mig.get("restart", "no") == "no", f"migrate-{svc} must not restart"
        deps = services[svc].get("depends_on", {})
        assert isinstance(deps, dict), f"{svc}: depends_on must use conditions"
        for one_shot in (f"migrate-{svc}", "topology"):
            assert deps.get(one_shot, {}).get("condition") == "service_completed_successfully", (
                f"{svc} must wait for {one_shot} with condition service_completed_successfully"
            )
    gw_deps = services["gateway"].get("depends_on", {})
    assert gw_deps.get("topology", {}).get("condition") == "service_completed_successfully"


def test_compose_env_and_single_image(compose):
    services = compose["services"]
    images = set()
    for name, svc in services.items():
        image = str(svc.get("image", ""))
        if image.startswith(INFRA_IMAGES):
            continue
        images.add(image)
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        missing = (REQUIRED_ENV | set(METRICS_ENV)) - set(env)
        assert not missing, f"compose service {name} lacks env {sorted(missing)}"
        assert env["PSYCOPG_WAIT_FUNC"] == "wait_select"
        assert "/" not in env["PG_URL"].split("@", 1)[-1], f"PG_URL must carry no database name: {env['PG_URL']}"
        for var, port in METRICS_ENV.items():
            assert env[var].endswith(f":{port}"), f"{var}={env[var]} must use port {port}"
    assert len(images) == 1, f"all project containers must share one image, got {images}"
    assert images.pop().split(":")[0] == IMAGE


def test_compose_containers_are_read_only_non_root_and_built_from_the_base(compose):
    for name, svc in compose["services"].items():
        assert svc.get("read_only") is True and "no-new-privileges:true" in svc.get("security_opt", []), name
        assert svc["build"]["args"]["BASE_IMAGE"] == "${BASE_IMAGE:-lianxin-base:bookworm}", name
        assert svc["image"].endswith(":${IMAGE_TAG:-latest}"), name
        if svc["image"].startswith(f"{IMAGE}:"):
            assert svc["user"] == "10001:10001", name


# ---------------------------------------------------------------- k8s


def test_k8s_namespace_and_one_file_per_app(k8s):
    namespaces = by_kind(all_k8s_docs(), "Namespace")
    assert "lianxin" in namespaces, "namespace lianxin missing"
    for app in APPS:
        assert f"{app}.yaml" in k8s, f"deploy/k8s/{app}.yaml missing"
        kinds = {d["kind"] for d in k8s[f"{app}.yaml"]}
        assert {"Deployment", "Service"} <= kinds, f"{app}.yaml needs Deployment and Service, has {kinds}"
    assert "Ingress" in {d["kind"] for d in k8s["gateway.yaml"]}, "gateway.yaml needs an Ingress"


def test_k8s_deployments_commands_ports_and_services(k8s):
    for app in APPS:
        docs = k8s[f"{app}.yaml"]
        deployments = by_kind(docs, "Deployment")
        assert app in deployments, f"{app}.yaml: Deployment named {app} missing"
        [container] = pod_spec(deployments[app])["containers"]
        check_nameko_command(container.get("command", []) + container.get("args", []), app, f"k8s {app}")
        port = SERVICES.get(app, GATEWAY_PORT)
        container_ports = {p["containerPort"] for p in container.get("ports", [])}
        assert port in container_ports, f"k8s {app}: containerPort {port} missing ({container_ports})"
        labels = deployments[app]["spec"]["template"]["metadata"]["labels"]
        services = [s for s in by_kind(docs, "Service").values()
                    if s["spec"]["selector"].items() <= labels.items()]
        assert services, f"k8s {app}: no Service selects the Deployment's pods"
        target_ports = {p.get("targetPort") for s in services for p in s["spec"]["ports"]}
        named = {p.get("name") for p in container["ports"] if p["containerPort"] == port}
        assert target_ports & ({port} | named), f"k8s {app}: no Service targets port {port}"
        if app in SERVICES:
            ann = services[0]["metadata"].get("annotations", {})
            assert ann.get("prometheus.io/scrape") == "true", f"{app} Service lacks prometheus.io/scrape"
            assert ann.get("prometheus.io/port") == str(port), f"{app} Service scrape port must be {port}"


def test_gateway_metrics_have_their_own_port_outside_the_ingress(k8s, compose):
    docs = k8s["gateway.yaml"]
    [container] = pod_spec(by_kind(docs, "Deployment")["gateway"])["containers"]
    assert {"name": "metrics", "containerPort": 9100} in container["ports"]
    scraped = [s for s in by_kind(docs, "Service").values()
               if s["metadata"].get("annotations", {}).get("prometheus.io/port") == "9100"]
    assert [p["targetPort"] for s in scraped for p in s["spec"]["ports"]] == ["metrics"]
    ingress_backends = {path["backend"]["service"]["name"] for d in docs if d["kind"] == "Ingress"
                        for rule in d["spec"]["rules"] for path in rule["http"]["paths"]}
    assert ingress_backends and not ingress_backends & {s["metadata"]["name"] for s in scraped}
    config = by_kind(k8s["configmap.yaml"], "ConfigMap")["lianxin-config"]["data"]
    assert config["GATEWAY_METRICS_ADDRESS"] == "0.0.0.0:9100"
    assert "127.0.0.1:${GATEWAY_METRICS_HOST_PORT:-9100}:9100" in compose["services"]["gateway"]["ports"]
    assert compose["x-app-env"]["GATEWAY_METRICS_ADDRESS"] == "0.0.0.0:9100"


def _resolve_port(container: dict, port) -> int:
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    raise AssertionError(f"probe port {port!r} is not a named container port")


def test_k8s_probes(k8s):
    for app in APPS:
        deployment = by_kind(k8s[f"{app}.yaml"], "Deployment")[app]
        [container] = pod_spec(deployment)["containers"]
        port = SERVICES.get(app, GATEWAY_PORT)
        # readiness asks what the process itself needs (services/common/readiness.py): the gateway's on
        # its metrics port (its broker), not the API port's /readyz of the whole system — one service
        # down must not take every gateway pod out of the Ingress
        expected = {"livenessProbe": ("/healthz", port),
                    "readinessProbe": ("/readyz", GATEWAY_METRICS_PORT if app == "gateway" else port)}
        for probe, (path, probe_port) in expected.items():
            get = container.get(probe, {}).get("httpGet")
            assert get, f"{app}: {probe} (httpGet) missing"
            assert get["path"] == path, f"{app}: {probe} must GET {path}, got {get['path']}"
            assert _resolve_port(container, get["port"]) == probe_port, f"{app}: {probe} must hit port {probe_port}"


def _workloads() -> list[dict]:
    docs = all_k8s_docs()
    return [d for d in docs if d.get("kind") in ("Deployment", "Job")]


def test_k8s_resources_security_env_and_image():
    workloads = _workloads()
    assert len(workloads) >= 12, f"expected 6 Deployments and 6 Jobs, found {len(workloads)} workloads"
    images = set()
    for w in workloads:
        name = f"{w['kind']} {w['metadata']['name']}"
        spec = pod_spec(w)
        pod_sc = spec.get("securityContext", {})
        for c in spec.get("initContainers", []) + spec["containers"]:
            sc = {**pod_sc, **c.get("securityContext", {})}
            assert sc.get("runAsNonRoot") is True, f"{name}: runAsNonRoot must be true"
            assert sc.get("runAsUser") == 10001, f"{name}: runAsUser must be 10001"
            assert c.get("securityContext", {}).get("allowPrivilegeEscalation") is False, (
                f"{name}: allowPrivilegeEscalation must be false"
            )
            res = c.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(res.get(kind, {})), f"{name}: resources.{kind} cpu/memory missing"
            if c["image"].startswith(POOLER_IMAGE):
                continue  # not a Lianxin process: its own image and settings (test_k8s_pgbouncer)
            refs = {("cm", e["configMapRef"]["name"]) for e in c.get("envFrom", []) if "configMapRef" in e}
            refs |= {("secret", e["secretRef"]["name"]) for e in c.get("envFrom", []) if "secretRef" in e}
            assert refs == {("cm", "lianxin-config"), ("secret", "lianxin-secrets")}, (
                f"{name}: envFrom must use the ConfigMap lianxin-config and Secret lianxin-secrets, got {refs}"
            )
            images.add(c["image"])
        if w["kind"] == "Deployment":
            assert all(c.get("securityContext", {}).get("readOnlyRootFilesystem") for c in spec["containers"]), (
                f"{name}: readOnlyRootFilesystem should be true"
            )
    assert len(images) == 1, f"every container must use the same image, got {images}"
    assert images.pop().split(":")[0] == IMAGE


def test_k8s_env_consistent_with_compose(compose, tmp_path):
    secret_keys = set(generated_secrets("k8s", tmp_path))
    names = k8s_env_names(secret_keys)
    missing = (REQUIRED_ENV | set(METRICS_ENV)) - names
    assert not missing, f"ConfigMap/Secret lack {sorted(missing)}"
    env = compose["services"]["suggestion"]["environment"]
    compose_only = set(env) - names
    assert not compose_only, f"env vars in compose but not in the ConfigMap/Secret: {sorted(compose_only)}"
    docs = all_k8s_docs()
    cm = by_kind(docs, "ConfigMap")["lianxin-config"]
    for name in SECRET_ENV:
        assert name in secret_keys and name not in cm["data"], f"{name} must be in the Secret, not the ConfigMap"
    for var, port in METRICS_ENV.items():
        assert cm["data"].get(var, "").endswith(f":{port}"), f"ConfigMap {var} must use port {port}"
    pg = cm["data"].get("PG_URL", "")
    assert pg.startswith("postgresql+psycopg://") and "/" not in pg.split("@", 1)[-1], f"bad PG_URL {pg}"


def test_k8s_migration_and_topology_jobs(k8s):
    jobs = by_kind(k8s["migrations.yaml"], "Job")
    commands = {name: " ".join(pod_spec(j)["containers"][0]["command"]) for name, j in jobs.items()}
    for svc in SERVICES:
        assert any(cmd.endswith(f"services.common.migrate {svc}") for cmd in commands.values()), (
            f"no Job runs `python -m services.common.migrate {svc}`: {commands}"
        )
    assert any(cmd.endswith("services.common.topology") for cmd in commands.values()), "topology Job missing"
    for name, job in jobs.items():
        assert pod_spec(job)["restartPolicy"] in ("Never", "OnFailure"), f"Job {name}: bad restartPolicy"


def test_kustomization_lists_every_manifest():
    kust = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    manifests = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kust["resources"]) == manifests, (
        f"kustomization resources {sorted(kust['resources'])} != files {sorted(manifests)}"
    )
    assert kust.get("namespace") == "lianxin"
    assert any(img["name"] == IMAGE for img in kust.get("images", [])), "kustomization must set the lianxin image"


def test_kubectl_kustomize_renders():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl not found: install Debian's `kubernetes-client` package (apt-get install kubernetes-client)")
    proc = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"kubectl kustomize failed: {proc.stderr}"
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    deployments = by_kind(docs, "Deployment")
    assert set(APPS) <= set(deployments), f"rendered Deployments {sorted(deployments)} lack some of {APPS}"
    jobs = by_kind(docs, "Job")
    rendered_cmds = [" ".join(pod_spec(j)["containers"][0]["command"]) for j in jobs.values()]
    for svc in SERVICES:
        assert any(c.endswith(f"services.common.migrate {svc}") for c in rendered_cmds), f"rendered: no migrate {svc} Job"
    assert any(c.endswith("services.common.topology") for c in rendered_cmds), "rendered: no topology Job"
    for d in docs:
        if d["kind"] != "Namespace":
            assert d["metadata"].get("namespace") == "lianxin", f"{d['kind']} {d['metadata']['name']} not in lianxin"
    images = {c["image"] for w in [*deployments.values(), *jobs.values()] for c in pod_spec(w)["containers"]
              if not c["image"].startswith(POOLER_IMAGE)}
    assert images == {f"{IMAGE}:latest"}, f"rendered images must all be {IMAGE}:latest, got {images}"


# ---------------------------------------------------------------- k8s: scaling, disruption, network, TLS, scraping (issue 20)

INGRESS_NAMESPACE = "ingress-nginx"
MONITORING_NAMESPACE = "monitoring"
NOT_AUTOSCALED = {"pgbouncer": "each replica has its own pool: more replicas, more server connections"}


def selects(selector: dict, labels: dict) -> bool:
    """A label selector (matchLabels, matchExpressions In/NotIn/Exists) against a pod's labels."""
    if not selector:
        return True
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if not {"In": labels.get(key) in values, "NotIn": labels.get(key) not in values,
                "Exists": key in labels, "DoesNotExist": key not in labels}[op]:
            return False
    return True


def pod_labels(workload: dict) -> dict:
    return workload["spec"]["template"]["metadata"]["labels"]


def test_every_deployment_has_a_disruption_budget_that_lets_a_drain_through():
    docs = all_k8s_docs()
    budgets = by_kind(docs, "PodDisruptionBudget")
    for name, deployment in by_kind(docs, "Deployment").items():
        mine = [b for b in budgets.values() if selects(b["spec"]["selector"], pod_labels(deployment))]
        assert len(mine) == 1, f"Deployment {name}: {len(mine)} PodDisruptionBudgets select its pods"
        spec = mine[0]["spec"]
        assert spec.get("maxUnavailable", 0) >= 1 or spec.get("minAvailable", 0) < min_replicas(name), (
            f"{name}: its budget would block every drain: {spec}")


def min_replicas(deployment: str) -> int:
    docs = all_k8s_docs()
    for hpa in by_kind(docs, "HorizontalPodAutoscaler").values():
        if hpa["spec"]["scaleTargetRef"]["name"] == deployment:
            return hpa["spec"]["minReplicas"]
    for so in by_kind(docs, "ScaledObject").values():
        if so["spec"]["scaleTargetRef"]["name"] == deployment:
            return so["spec"]["minReplicaCount"]
    return by_kind(docs, "Deployment")[deployment]["spec"].get("replicas", 1)


def test_every_service_scales_on_its_queues_and_the_gateway_on_cpu():
    from services.common.topology import SUBSCRIPTIONS, queue_name

    docs = all_k8s_docs()
    scaled = {so["spec"]["scaleTargetRef"]["name"]: so for so in by_kind(docs, "ScaledObject").values()}
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind(docs, "HorizontalPodAutoscaler").values()}
    auths = by_kind(docs, "TriggerAuthentication")
    for name, deployment in by_kind(docs, "Deployment").items():
        if name in NOT_AUTOSCALED:
            assert name not in scaled and name not in hpas
            continue
        assert (name in scaled) != (name in hpas), f"{name}: one ScaledObject or one HPA, not both or none"
        # a fixed count would reset the autoscaler's at every `kubectl apply`
        assert "replicas" not in deployment["spec"], f"{name}: autoscaled, so no spec.replicas"
    assert set(scaled) == set(SERVICES) and set(hpas) == {"gateway"}
    for svc, so in scaled.items():
        spec = so["spec"]
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"] <= 10, f"{svc}: {spec}"
        queues = set()
        for trigger in spec["triggers"]:
            assert trigger["type"] == "rabbitmq", f"{svc}: {trigger}"
            meta = trigger["metadata"]
            assert meta["mode"] == "QueueLength" and int(meta["value"]) > 0 and meta["protocol"] == "amqp"
            assert "host" not in meta and "hostFromEnv" not in meta, f"{svc}: the broker's address is a secret"
            assert trigger["authenticationRef"]["name"] in auths, f"{svc}: no such TriggerAuthentication"
            queues.add(meta["queueName"])
        assert svc in SUBSCRIPTIONS
        assert queues == {queue_name(svc), f"rpc-{svc}"}, f"{svc} scales on {queues}"
    [metric] = hpas["gateway"]["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and hpas["gateway"]["spec"]["minReplicas"] >= 2
    for auth in auths.values():
        refs = auth["spec"]["secretTargetRef"]
        assert refs and set(auth["spec"]) == {"secretTargetRef"}, "KEDA's credentials only from a Secret"
        assert all(ref["name"] not in by_kind(docs, "Secret") for ref in refs)


def test_the_ingress_is_tls_and_routes_only_the_gateways_http_port(k8s):
    docs = all_k8s_docs()
    [ingress] = by_kind(docs, "Ingress").values()
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    tls = ingress["spec"].get("tls", [])
    assert tls and all(t.get("secretName") for t in tls), "the Ingress needs tls with a secretName"
    assert hosts <= {h for t in tls for h in t["hosts"]}, f"hosts without a certificate: {hosts}"
    services = by_kind(docs, "Service")
    backends = [path["backend"]["service"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert backends == [{"name": "gateway", "port": {"name": "http"}}], backends
    [port] = services["gateway"]["spec"]["ports"]
    assert port["targetPort"] == "http", "the routed Service must not expose the metrics port"
    [container] = pod_spec(by_kind(docs, "Deployment")["gateway"])["containers"]
    assert _resolve_port(container, "http") == GATEWAY_PORT and _resolve_port(container, "metrics") == 9100


def test_servicemonitors_scrape_every_process_on_its_metrics_port():
    docs = all_k8s_docs()
    services = by_kind(docs, "Service")
    deployments = by_kind(docs, "Deployment")
    monitors = by_kind(docs, "ServiceMonitor")
    for app in APPS:
        labels = pod_labels(deployments[app])
        scraped = set()
        for monitor in monitors.values():
            for svc in services.values():
                if not (selects(monitor["spec"]["selector"], svc["metadata"].get("labels", {}))
                        and svc["spec"]["selector"].items() <= labels.items()):
                    continue
                for endpoint in monitor["spec"]["endpoints"]:
                    for port in svc["spec"]["ports"]:
                        if port["name"] == endpoint["port"]:
                            assert endpoint.get("path", "/metrics") == "/metrics"
                            scraped.add(port["targetPort"])
        assert scraped == {"metrics"}, f"{app}: ServiceMonitors scrape {scraped or 'nothing'}"


def allowed_ingress(labels: dict) -> set[tuple]:
    """(source, port) pairs the NetworkPolicies let in to a pod with these labels."""
    allowed = set()
    for policy in by_kind(all_k8s_docs(), "NetworkPolicy").values():
        spec = policy["spec"]
        if "Ingress" not in spec["policyTypes"] or not selects(spec["podSelector"], labels):
            continue
        for rule in spec.get("ingress", []):
            assert rule.get("from") and rule.get("ports"), f"{policy['metadata']['name']}: an ingress rule open to all"
            for peer in rule["from"]:
                source = (f"namespace {peer['namespaceSelector']['matchLabels']['kubernetes.io/metadata.name']}"
                          if "namespaceSelector" in peer else f"pods {peer['podSelector']}")
                allowed |= {(source, port["port"]) for port in rule["ports"]}
    return allowed


def allowed_egress_ports(labels: dict) -> set:
    ports = set()
    for policy in by_kind(all_k8s_docs(), "NetworkPolicy").values():
        spec = policy["spec"]
        if "Egress" not in spec["policyTypes"] or not selects(spec["podSelector"], labels):
            continue
        for rule in spec.get("egress", []):
            assert rule.get("ports"), f"{policy['metadata']['name']}: an egress rule to every port"
            ports |= {p["port"] for p in rule["ports"]}
    return ports


def test_network_policies_deny_by_default_and_let_in_only_the_ingress_and_prometheus():
    docs = all_k8s_docs()
    deny = [p for p in by_kind(docs, "NetworkPolicy").values() if p["spec"]["podSelector"] == {}]
    assert any(set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"} and not p["spec"].get("ingress")
               and not p["spec"].get("egress") for p in deny), "no default-deny NetworkPolicy"
    deployments = by_kind(docs, "Deployment")
    monitoring = (f"namespace {MONITORING_NAMESPACE}", "metrics")
    assert allowed_ingress(pod_labels(deployments["gateway"])) == {(f"namespace {INGRESS_NAMESPACE}", "http"),
                                                                   monitoring}
    for svc in SERVICES:
        assert allowed_ingress(pod_labels(deployments[svc])) == {monitoring}, svc
    pooler = allowed_ingress(pod_labels(deployments["pgbouncer"]))
    assert pooler == {("pods {'matchLabels': {'app.kubernetes.io/component': 'service'}}", "postgres")}, pooler
    for job in by_kind(docs, "Job").values():
        assert allowed_ingress(pod_labels(job)) == set()


def test_network_policies_let_each_pod_out_only_to_what_it_needs():
    deployments = by_kind(all_k8s_docs(), "Deployment")
    dns_and_broker = {53, 5672, 5671}
    extra = {"notify": {25, 465, 587, 443}, "identity": {443}}  # mail and webhooks; the OIDC platform
    assert allowed_egress_ports(pod_labels(deployments["gateway"])) == dns_and_broker
    for svc in SERVICES:
        ports = allowed_egress_ports(pod_labels(deployments[svc]))
        assert ports == dns_and_broker | {6432} | extra.get(svc, set()), f"{svc}: {sorted(ports)}"
    assert allowed_egress_ports(pod_labels(deployments["pgbouncer"])) >= {53, 5432}
    for job in by_kind(all_k8s_docs(), "Job").values():
        assert {53, 5432} <= allowed_egress_ports(pod_labels(job)), job["metadata"]["name"]


def test_no_credential_is_written_into_a_manifest():
    for w in _workloads():
        for c in pod_spec(w)["containers"]:
            for env in c.get("env", []):
                if env["name"] in SECRET_ENV or re.search(r"PASS|SECRET|KEY|TOKEN", env["name"]):
                    assert "value" not in env, f"{w['metadata']['name']}: {env['name']} has a value in the repo"


# ---------------------------------------------------------------- secrets


def test_no_secret_value_is_committed_in_compose_or_deploy():
    for path in [COMPOSE, *sorted((ROOT / "deploy").rglob("*"))]:
        if path.is_file():
            found = KNOWN_SECRET.findall(path.read_text())
            assert not found, f"{path.relative_to(ROOT)} carries known or placeholder secrets: {found}"
    secrets = by_kind(all_k8s_docs(), "Secret")
    assert not secrets, f"deploy/k8s must not commit a Secret (made by scripts/make_secrets.sh): {sorted(secrets)}"


def test_compose_takes_every_secret_and_credential_from_the_environment(compose):
    env = compose["services"]["gateway"]["environment"]
    for name in SECRET_ENV - {"AMQP_URI"}:
        assert REQUIRED_VAR.fullmatch(str(env[name])), f"compose {name} must be ${{{name}:?...}}, is {env[name]}"
    userinfo = env["AMQP_URI"].split("://", 1)[1].rsplit("@", 1)[0]
    assert REQUIRED_VAR.sub("", userinfo) == ":", f"AMQP_URI's user and password must be ${{VAR:?...}}: {userinfo}"
    assert REQUIRED_VAR.sub("", env["PG_URL"].split("://", 1)[1].rsplit("@", 1)[0]) == "", env["PG_URL"]
    infra = {"postgres": ("POSTGRES_USER", "POSTGRES_PASSWORD"),
             "rabbitmq": ("RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS")}
    for service, names in infra.items():
        given = compose["services"][service].get("environment") or {}
        for name in names:
            assert REQUIRED_VAR.fullmatch(str(given.get(name))), f"compose {service} {name} must be ${{VAR:?...}}"
    # no default for anything secret-like: ${VAR:-x} or ${VAR-x}
    defaults = re.findall(r"\$\{(\w*(?:SECRET|PASS|USER|AMQP|KEY|TOKEN)\w*):?-", COMPOSE.read_text())
    assert not defaults, f"compose gives secrets a default: {defaults}"


def test_make_secrets_writes_strong_values_for_every_variable_compose_requires(compose, tmp_path):
    from services.common.secret_check import problems_of

    made = generated_secrets("compose", tmp_path)
    required = set(REQUIRED_VAR.findall(COMPOSE.read_text()))
    assert required <= set(made), f"compose needs {sorted(required - set(made))} that make_secrets.sh does not write"
    assert "GATEWAY_JWT_SECRET" not in made  # development tokens only in development mode: no key deployed
    for name in ("IDENTITY_DATA_KEY", "INTAKE_SECRET", "WEBHOOK_SECRET"):
        assert problems_of({"AMQP_URI": f"pyamqp://u:{made['RABBITMQ_PASSWORD']}@h//", name: made[name]},
                           [name], {"LIANXIN_ENV": "production"}) == []
    assert len({made[k] for k in made if "USER" not in k}) == len([k for k in made if "USER" not in k])  # all differ
    k8s = generated_secrets("k8s", tmp_path)
    assert problems_of({"AMQP_URI": k8s["AMQP_URI"], "DB_URL": "postgresql+psycopg://lianxin@postgres/x"},
                       ["IDENTITY_DATA_KEY"], {"LIANXIN_ENV": "production", "PGPASSWORD": k8s["PGPASSWORD"],
                                               "IDENTITY_DATA_KEY": k8s["IDENTITY_DATA_KEY"]}) == []
    assert k8s["IDENTITY_DATA_KEY"] != made["IDENTITY_DATA_KEY"]


def test_make_secrets_keeps_an_existing_file_and_its_outputs_are_ignored_by_git(tmp_path):
    out = tmp_path / "kept.env"
    out.write_text("IDENTITY_DATA_KEY=mine\n")
    subprocess.run(["bash", "scripts/make_secrets.sh", "compose"], cwd=ROOT, env={**os.environ, "OUT": str(out)},
                   check=True, capture_output=True)
    assert out.read_text() == "IDENTITY_DATA_KEY=mine\n"
    for path in (".env", "deploy/k8s/secrets.env"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} must be in .gitignore"


# ---------------------------------------------------------------- PgBouncer (issue 13)


def test_compose_services_go_through_pgbouncer_and_migrations_straight_to_postgres(compose):
    services = compose["services"]
    bouncer = services["pgbouncer"]
    assert bouncer["build"]["context"] == "deploy/pgbouncer" and bouncer.get("healthcheck", {}).get("test")
    assert bouncer["environment"]["PGBOUNCER_UPSTREAM"].split("@")[-1] == "postgres:5432"
    for app in APPS:
        env = services[app]["environment"]
        assert env["PG_URL"].split("@")[-1] == "pgbouncer:6432", f"{app} must reach PostgreSQL through pgbouncer"
        assert env["DB_PGBOUNCER"] == "1", f"{app}: psycopg must not prepare behind PgBouncer (DB_PGBOUNCER=1)"
        assert services[app]["depends_on"]["pgbouncer"]["condition"] == "service_healthy"
    for svc in SERVICES:
        env = services[f"migrate-{svc}"]["environment"]
        assert env["PG_URL"].split("@")[-1] == "postgres:5432" and env["DB_PGBOUNCER"] == "0", env


def test_k8s_pgbouncer_and_migrations_straight_to_postgres(k8s):
    docs = k8s["pgbouncer.yaml"]
    deployment = by_kind(docs, "Deployment")["pgbouncer"]
    [container] = pod_spec(deployment)["containers"]
    assert container["image"] == POOLER_IMAGE and {p["containerPort"] for p in container["ports"]} == {6432}
    env = {e["name"]: e.get("valueFrom", {}) for e in container["env"]}
    assert env["PGBOUNCER_UPSTREAM"]["configMapKeyRef"]["key"] == "PG_DIRECT_URL"
    assert env["PGPASSWORD"]["secretKeyRef"] == {"name": "lianxin-secrets", "key": "PGPASSWORD"}
    [service] = by_kind(docs, "Service").values()
    assert service["metadata"]["name"] == "pgbouncer" and service["spec"]["ports"][0]["port"] == 6432
    cm = by_kind(all_k8s_docs(), "ConfigMap")["lianxin-config"]["data"]
    assert cm["PG_URL"].split("@")[-1] == "pgbouncer:6432" and cm["DB_PGBOUNCER"] == "1"
    assert cm["PG_DIRECT_URL"].split("@")[-1] == "postgres:5432"
    for name, job in by_kind(k8s["migrations.yaml"], "Job").items():
        if name == "topology":
            continue
        [c] = pod_spec(job)["containers"]
        env = {e["name"]: e for e in c.get("env", [])}
        assert env["PG_URL"]["valueFrom"]["configMapKeyRef"]["key"] == "PG_DIRECT_URL", f"Job {name}"
        assert env["DB_PGBOUNCER"]["value"] == "0", f"Job {name}"
