"""The gateway's body limit of the documents upload routes follows GONGKAI_ATTACHMENT_MAX_BYTES."""

import uuid
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from gateway.settings import MULTIPART_ALLOWANCE, UPLOAD_ROUTES, GatewaySettings
from services.documents.settings import DocumentsSettings
from tests.gateway.conftest import MakeGateway
from tests.support.apps import client_for

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def gateway_settings(**values: object) -> GatewaySettings:
    return GatewaySettings(_env_file=None, **values)  # type: ignore[arg-type]


def test_the_defaults_agree() -> None:
    documents = DocumentsSettings(_env_file=None)  # type: ignore[call-arg]
    gateway = gateway_settings()
    assert gateway.attachment_max_bytes == documents.attachment_max_bytes == 50 * MIB
    for route in UPLOAD_ROUTES:
        assert gateway.body_limits[route] == 50 * MIB + MULTIPART_ALLOWANCE


def test_the_upload_limit_follows_the_shared_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_ATTACHMENT_MAX_BYTES", str(200 * MIB))
    documents = DocumentsSettings(_env_file=None)  # type: ignore[call-arg]
    gateway = gateway_settings()
    assert documents.attachment_max_bytes == gateway.attachment_max_bytes == 200 * MIB
    assert gateway.body_limits["/api/v1/documents/*/attachments*"] == 200 * MIB + (
        MULTIPART_ALLOWANCE
    )
    # Other routes keep their own limits.
    assert gateway.body_limits["/api/v1/requests/*/attachments*"] == 20 * MIB


def test_a_contradicting_body_limit_stops_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_ATTACHMENT_MAX_BYTES", str(100 * MIB))
    monkeypatch.setenv("GONGKAI_BODY_LIMITS", '{"/api/v1/documents/*/attachments*": 52428800}')
    with pytest.raises(ValidationError, match="GONGKAI_ATTACHMENT_MAX_BYTES"):
        gateway_settings()
    monkeypatch.setenv(
        "GONGKAI_BODY_LIMITS", f'{{"/api/v1/documents/*/attachments*": {200 * MIB}}}'
    )
    assert gateway_settings().body_limits["/api/v1/documents/*/attachments*"] == 200 * MIB


@pytest.mark.parametrize("path", ["docker-compose.yml", "deploy/k8s/config.yaml"])
def test_the_deployment_files_agree(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    found = {}
    for doc in yaml.safe_load_all(text):
        for mapping in _mappings(doc):
            for name in ("GONGKAI_ATTACHMENT_MAX_BYTES", "GONGKAI_BODY_LIMITS"):
                if isinstance(mapping.get(name), str):
                    found[name] = mapping[name]
    assert set(found) == {"GONGKAI_ATTACHMENT_MAX_BYTES", "GONGKAI_BODY_LIMITS"}
    settings = gateway_settings(
        attachment_max_bytes=found["GONGKAI_ATTACHMENT_MAX_BYTES"],
        body_limits=yaml.safe_load(found["GONGKAI_BODY_LIMITS"]),
    )
    needed = int(found["GONGKAI_ATTACHMENT_MAX_BYTES"]) + MULTIPART_ALLOWANCE
    assert all(settings.body_limits[route] >= needed for route in UPLOAD_ROUTES)


def _mappings(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        return [node, *(m for value in node.values() for m in _mappings(value))]
    if isinstance(node, list):
        return [m for value in node for m in _mappings(value)]
    return []


async def test_a_gazette_pdf_larger_than_a_json_body_reaches_the_service(
    make_gateway: MakeGateway,
) -> None:
    """2 MiB is over the 1 MiB default but under the upload limit: the service answers (401
    without a token), not the gateway's 413; a JSON route still gets the 413."""
    body = b"x" * (2 * MIB)
    async with client_for(await make_gateway()) as client:
        issue = uuid.uuid4()
        upload = await client.put(f"/api/v1/documents/gazette/{issue}/pdf", content=body)
        assert upload.status_code == 401, upload.text
        attachment = await client.post(f"/api/v1/documents/{issue}/attachments", content=body)
        assert attachment.status_code == 401, attachment.text
        json_route = await client.post(f"/api/v1/documents/{issue}/publish", content=body)
        assert json_route.status_code == 413
