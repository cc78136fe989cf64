"""deploy/k8s as rendered (`kubectl kustomize`) validated offline against schemas:
- Kubernetes' own kinds with kubernetes-validate (its strict schemas: an unknown field is an
  error), for two Kubernetes versions;
- KEDA's and the Prometheus operator's kinds against their CRDs' openAPIV3Schema, vendored in
  deploy/k8s/crd-schemas/ (versions in its README.md), made strict the same way.
An object whose schema is missing fails too: nothing is passed over unchecked.
"""
import copy
import shutil
import subprocess
from functools import cache
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import SchemaNotFoundError
from kubernetes_validate.utils import ValidationError as KubeValidationError

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
CRDS = K8S / "crd-schemas"
# the oldest and the newest minor versions the manifests are meant for (deploy/README.md)
KUBERNETES_VERSIONS = ("1.29", "1.31")
CRD_FILES = {  # (group, kind) -> the vendored CRD
    ("keda.sh", "ScaledObject"): "keda.sh_scaledobjects.yaml",
    ("keda.sh", "TriggerAuthentication"): "keda.sh_triggerauthentications.yaml",
    ("monitoring.coreos.com", "ServiceMonitor"): "monitoring.coreos.com_servicemonitors.yaml",
}


@cache
def rendered() -> tuple[dict, ...]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl not found: install Debian's kubernetes-client (.ci/run does)"
    proc = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"kubectl kustomize failed: {proc.stderr}"
    return tuple(d for d in yaml.safe_load_all(proc.stdout) if d)


def strict(schema):
    """An openAPIV3Schema where an object with listed properties takes no other (as the strict
    Kubernetes schemas): the API server would drop an unknown field silently, a typo included."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


@cache
def crd_validator(group: str, kind: str, version: str) -> jsonschema.Draft4Validator:
    name = CRD_FILES.get((group, kind))
    assert name, f"no vendored CRD for {group} {kind}: add it to deploy/k8s/crd-schemas and CRD_FILES"
    crd = yaml.safe_load((CRDS / name).read_text())
    assert (crd["spec"]["group"], crd["spec"]["names"]["kind"]) == (group, kind), name
    [entry] = [v for v in crd["spec"]["versions"] if v["name"] == version] or [None]
    assert entry and entry["served"], f"{name} serves no version {version}"
    schema = strict(entry["schema"]["openAPIV3Schema"])
    jsonschema.Draft4Validator.check_schema(schema)  # OpenAPI v3's schemas are draft 4's
    return jsonschema.Draft4Validator(schema)


def crd_errors(obj: dict) -> list[str]:
    group, _, version = obj["apiVersion"].rpartition("/")
    validator = crd_validator(group, obj["kind"], version)
    return [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(obj)]


def kube_errors(obj: dict, version: str) -> list[str]:
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except KubeValidationError as exc:
        return [f"{'.'.join(map(str, exc.path)) or '(top)'}: {exc.message}"]
    except SchemaNotFoundError as exc:
        return [exc.message]
    return []


def is_custom(obj: dict) -> bool:
    return obj["apiVersion"].split("/")[0] in {group for group, _ in CRD_FILES}


def name_of(obj: dict) -> str:
    return f"{obj['kind']} {obj['metadata']['name']}"


# ---------------------------------------------------------------- the manifests


def test_the_manifests_hold_every_kind_this_test_validates():
    kinds = {d["kind"] for d in rendered()}
    assert {"Deployment", "Job", "Service", "Ingress", "NetworkPolicy", "PodDisruptionBudget",
            "HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication", "ServiceMonitor"} <= kinds, kinds


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_kubernetes_object_is_valid(version):
    assert version in {kubernetes_validate.utils.major_minor(v) for v in kubernetes_validate.utils.all_versions()}, (
        f"the installed kubernetes-validate carries no schemas for {version}")
    objects = [d for d in rendered() if not is_custom(d)]
    assert len(objects) >= 40, len(objects)
    problems = {name_of(d): errors for d in objects if (errors := kube_errors(d, version))}
    assert not problems, f"invalid for Kubernetes {version}: {problems}"


def test_every_keda_and_prometheus_operator_object_is_valid():
    objects = [d for d in rendered() if is_custom(d)]
    assert len(objects) >= 14, len(objects)  # 6 ScaledObjects, 1 TriggerAuthentication, 7 ServiceMonitors
    problems = {name_of(d): errors for d in objects if (errors := crd_errors(d))}
    assert not problems, f"invalid against their CRDs: {problems}"


# ---------------------------------------------------------------- the validators catch mistakes


def first(kind: str) -> dict:
    return copy.deepcopy(next(d for d in rendered() if d["kind"] == kind))


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_kubernetes_validation_refuses_a_typo_and_a_wrong_type(version):
    typo = first("Deployment")
    typo["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/readyz"}}
    assert kube_errors(typo, version)
    wrong = first("PodDisruptionBudget")
    wrong["spec"]["selector"] = "app.kubernetes.io/name=gateway"
    assert kube_errors(wrong, version)
    unknown = {"apiVersion": "example.org/v1", "kind": "Thing", "metadata": {"name": "x"}}
    assert kube_errors(unknown, version)  # no schema: an error, not a pass


def test_crd_validation_refuses_a_typo_a_wrong_type_and_a_missing_field():
    typo = first("ScaledObject")
    typo["spec"]["minReplicas"] = 1  # KEDA's is minReplicaCount
    assert any("minReplicas" in e for e in crd_errors(typo)), crd_errors(typo)
    wrong = first("ServiceMonitor")
    wrong["spec"]["endpoints"][0]["interval"] = 30  # a duration string
    assert crd_errors(wrong)
    missing = first("ScaledObject")
    del missing["spec"]["scaleTargetRef"]
    assert any("scaleTargetRef" in e for e in crd_errors(missing)), crd_errors(missing)
    auth = first("TriggerAuthentication")
    auth["spec"]["secretTargetRef"][0]["value"] = "a password in the repository"
    assert crd_errors(auth)
