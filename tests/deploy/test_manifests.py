"""docker-compose.yml and the Kubernetes manifests name every app and every setting the code reads.

No Docker engine runs here, so the files are parsed and checked against the settings classes.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.services import SERVICES
from gateway.settings import GatewaySettings
from services.common.settings import CommonSettings

ROOT = Path(__file__).resolve().parents[2]
APPS = {"gateway", *(e.name for e in SERVICES)}


def setting_names() -> set[str]:
    classes: list[type[CommonSettings]] = [GatewaySettings, *(e.settings_class for e in SERVICES)]
    return {f"GONGKAI_{field.upper()}" for cls in classes for field in cls.model_fields}


def _load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def k8s() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        docs.extend(_load_all(path))
    return docs


def test_compose_runs_every_app_with_its_backing_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert APPS | {"postgres", "meilisearch", "redis"} <= set(services)
    for name in APPS:
        service = services[name]
        assert "healthcheck" in service, name
        for dependency, condition in service["depends_on"].items():
            assert condition["condition"] in {
                "service_healthy",
                "service_completed_successfully",
            }, (name, dependency)
        command = service["command"]
        expected = ["gongkai", "serve"] if name == "gateway" else ["gongkai", "serve-service", name]
        assert command[: len(expected)] == expected
    assert services["postgres"]["healthcheck"]
    assert services["meilisearch"]["healthcheck"]


def test_compose_sets_every_setting(compose: dict[str, Any]) -> None:
    for name in APPS:
        environment = compose["services"][name]["environment"]
        missing = setting_names() - set(environment)
        assert not missing, f"{name} lacks {sorted(missing)}"
        unknown = {k for k in environment if k.startswith("GONGKAI_")} - setting_names()
        assert not unknown, f"{name} sets settings no code reads: {sorted(unknown)}"


def test_compose_points_services_at_each_other(compose: dict[str, Any]) -> None:
    environment = compose["services"]["gateway"]["environment"]
    for entry in SERVICES:
        assert environment[f"GONGKAI_{entry.name.upper()}_URL"] == f"http://{entry.name}:8000"
        assert "postgres:5432" in environment[f"GONGKAI_{entry.name.upper()}_DATABASE_URL"]


def test_kubernetes_has_a_deployment_and_service_per_app(k8s: list[dict[str, Any]]) -> None:
    deployments = {d["metadata"]["name"]: d for d in k8s if d["kind"] == "Deployment"}
    services = {d["metadata"]["name"] for d in k8s if d["kind"] == "Service"}
    assert set(deployments) == APPS
    assert services == APPS
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
        assert sources == {"gongkai-config", "gongkai-secrets"}, name


def test_kubernetes_config_and_secret_hold_every_setting(k8s: list[dict[str, Any]]) -> None:
    config = next(d for d in k8s if d["kind"] == "ConfigMap")["data"]
    secret = next(d for d in k8s if d["kind"] == "Secret")["stringData"]
    assert not set(config) & set(secret)
    missing = setting_names() - set(config) - set(secret)
    assert not missing, f"not configured in deploy/k8s: {sorted(missing)}"
    secret_names = {k for k in secret if "DATABASE_URL" in k or "SECRET" in k or k.endswith("_KEY")}
    assert secret_names == set(secret)


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = {name for name in setting_names() if f"`{name}`" not in readme}
    assert not missing, f"README lacks {sorted(missing)}"
