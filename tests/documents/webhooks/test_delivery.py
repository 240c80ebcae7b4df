"""Webhooks: signed deliveries of feed events to a receiver on loopback, retried, paused."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from services.catalog.app import create_app as create_catalog
from services.catalog.settings import CatalogSettings
from services.common.auth import Role
from services.documents.app import create_app as create_documents
from services.documents.settings import DocumentsSettings
from services.documents.webhooks import signing
from tests.conftest import ServiceSettingsFactory
from tests.documents.webhooks.receiver import Receiver, receiving
from tests.support.apps import client_for
from tests.support.documents import DOCS, World, register_agencies
from tests.support.tokens import TokenMinter

HOOKS = f"{DOCS}/webhooks"
WITHHOLD = {"attribute": "withheld", "reason": "涉及内部管理", "legal_basis": "第十六条"}
ALL_DOCUMENT_EVENTS = ["document.create", "document.update", "document.withdraw"]


@pytest.fixture
async def world(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> AsyncIterator[World]:
    """The documents app with a fast webhook worker that may call loopback receivers."""
    settings = await make_service_settings(["catalog", "documents"])
    assert isinstance(settings["catalog"], CatalogSettings)
    assert isinstance(settings["documents"], DocumentsSettings)
    documents = settings["documents"].model_copy(
        update={
            "webhook_allow_private_targets": True, "webhook_poll_seconds": 0.05,
            "webhook_retry_base_seconds": 0.05, "webhook_retry_max_seconds": 0.2,
            "webhook_max_failures": 3, "webhook_timeout_seconds": 5.0,
        }
    )  # fmt: skip
    catalog_app = create_catalog(settings["catalog"])
    documents_app = create_documents(documents, peers={"catalog": catalog_app})
    async with client_for(catalog_app) as catalog, client_for(documents_app) as docs:
        agency, other = await register_agencies(catalog, tokens)
        yield World(docs=docs, catalog=catalog, tokens=tokens, agency=agency, other=other)


def integrator(world: World, subject: str = "city-portal") -> dict[str, str]:
    return world.tokens.headers(subject=subject, roles=[Role.INTEGRATOR], scopes=["opendata:read"])


async def until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting for the webhook worker"
        await asyncio.sleep(0.05)


async def subscribe(world: World, receiver: Receiver, **fields: Any) -> dict[str, Any]:
    body = {"url": receiver.url, "event_types": ALL_DOCUMENT_EVENTS, **fields}
    response = await world.docs.post(HOOKS, json=body, headers=integrator(world))
    assert response.status_code == 201, response.text
    created = dict(response.json())
    assert created["secret"].startswith("whsec_")
    receiver.secret = created["secret"]
    return created


async def test_signed_retried_and_idempotent(world: World) -> None:
    async with receiving() as receiver:
        subscription = await subscribe(world, receiver)
        # The secret is shown once: reads never carry it.
        read = await world.docs.get(f"{HOOKS}/{subscription['id']}", headers=integrator(world))
        assert "secret" not in read.json()

        receiver.fail_next = 1  # processed, then answered 500: the retry is a duplicate
        first = await world.publish(await world.create(doc_number="张政办函〔2022〕1号"))
        second = await world.publish(
            await world.create(doc_number="张政办函〔2022〕2号", title="第二份通知")
        )
        await until(lambda: len(receiver.records) == 2 and len(receiver.requests) >= 3)
        assert receiver.bad_signatures == 0
        ids = [r["headers"]["webhook-id"] for r in receiver.requests]
        assert ids[0] == ids[1]  # the retry repeats the delivery id
        assert len(set(ids)) == 2
        assert receiver.applied == 2  # the duplicate changed nothing
        assert set(receiver.records) == {first["id"], second["id"]}
        headers = receiver.requests[0]["headers"]
        assert headers["webhook-signature"].startswith("v1,")
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
        # A tampered body does not verify.
        assert not signing.verify(receiver.secret, headers, receiver.requests[0]["body"] + b" ")

        # Reclassified to 不予公开: the receiver gets a tombstone and nothing of the content.
        await world.docs.put(
            f"{DOCS}/{first['id']}/disclosure", json=WITHHOLD, headers=world.staff()
        )
        await until(lambda: first["id"] not in receiver.records)
        tombstone = receiver.requests[-1]["body"].decode()
        assert first["title"] not in tombstone
        assert first["doc_number"] not in tombstone
        assert set(receiver.records) == {second["id"]}

        log_url = f"{HOOKS}/{subscription['id']}/deliveries"
        deadline = time.monotonic() + 20
        while True:  # the receiver may have it before the worker records the answer
            log = await world.docs.get(log_url, headers=integrator(world))
            assert log.status_code == 200, log.text
            items = log.json()["items"]
            if items and items[0]["status"] == "delivered":
                break
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        assert [i["event_type"] for i in items] == [
            "document.withdraw", "document.create", "document.create"
        ]  # fmt: skip
        assert all(i["status"] == "delivered" for i in items)
        oldest = items[-1]
        assert [a["status_code"] for a in oldest["attempt_log"]] == [500, 204]
        assert oldest["id"] == ids[0]


async def test_failing_endpoint_is_paused_and_resumed(world: World) -> None:
    async with receiving() as receiver:
        subscription = await subscribe(world, receiver)
        receiver.always_fail = True
        document = await world.publish(await world.create())
        url = f"{HOOKS}/{subscription['id']}"

        async def status() -> dict[str, Any]:
            return dict((await world.docs.get(url, headers=integrator(world))).json())

        deadline = time.monotonic() + 20
        while (await status())["status"] != "paused":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        paused = await status()
        assert paused["failures"] == 3
        assert "暂停" in paused["paused_reason"]
        attempts = len(receiver.requests)
        assert attempts == 3
        await asyncio.sleep(0.6)  # paused: not retried forever
        assert len(receiver.requests) == attempts

        receiver.always_fail = False
        resumed = await world.docs.post(f"{url}/resume", headers=integrator(world))
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["status"] == "active"
        await until(lambda: document["id"] in receiver.records)
        again = await world.docs.post(f"{url}/resume", headers=integrator(world))
        assert again.status_code == 409


async def test_subscriptions_are_checked_and_private(world: World) -> None:
    async with receiving() as receiver:
        for url in ("ftp://example.com/hook", "file:///etc/passwd", "http://user:pw@example.com/"):
            refused = await world.docs.post(
                HOOKS, json={"url": url, "event_types": ["document.create"]},
                headers=integrator(world),
            )  # fmt: skip
            assert refused.status_code == 422, url
            assert refused.headers["content-type"].startswith("application/problem+json")
        unknown = await world.docs.post(
            HOOKS, json={"url": receiver.url, "event_types": ["document.deleted"]},
            headers=integrator(world),
        )  # fmt: skip
        assert unknown.status_code == 422
        anonymous = await world.docs.post(
            HOOKS, json={"url": receiver.url, "event_types": ["document.create"]}
        )
        assert anonymous.status_code == 401
        editor = await world.docs.post(
            HOOKS, json={"url": receiver.url, "event_types": ["document.create"]},
            headers=world.staff(),
        )  # fmt: skip
        assert editor.status_code == 403

        beyond = await world.docs.post(
            HOOKS, json={"url": receiver.url, "event_types": ["document.create"], "after": 99},
            headers=integrator(world),
        )  # fmt: skip
        assert beyond.status_code == 422
        mine = await subscribe(world, receiver)
        theirs = await world.docs.get(f"{HOOKS}/{mine['id']}", headers=integrator(world, "other"))
        assert theirs.status_code == 404
        listed = await world.docs.get(HOOKS, headers=integrator(world, "other"))
        assert listed.json()["items"] == []
        deleted = await world.docs.delete(f"{HOOKS}/{mine['id']}", headers=integrator(world))
        assert deleted.status_code == 204


async def test_private_targets_are_refused_in_production_settings(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> None:
    settings = await make_service_settings(["catalog", "documents"])
    documents = settings["documents"].model_copy(
        update={"webhook_allow_private_targets": False, "webhook_worker": False}
    )
    assert isinstance(documents, DocumentsSettings)
    catalog_app = create_catalog(settings["catalog"])  # type: ignore[arg-type]
    app = create_documents(documents, peers={"catalog": catalog_app})
    headers = tokens.headers(subject="portal", roles=[Role.INTEGRATOR], scopes=["opendata:read"])
    async with client_for(catalog_app), client_for(app) as docs:
        for url in (
            "http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://10.1.2.3/hook",
            "http://169.254.169.254/latest/meta-data", "http://localhost/hook",
            "http://[::ffff:127.0.0.1]/hook",
        ):  # fmt: skip
            refused = await docs.post(
                HOOKS, json={"url": url, "event_types": ["document.create"]}, headers=headers
            )
            assert refused.status_code == 422, url
            assert "内部网络" in refused.json()["detail"] or "解析" in refused.json()["detail"]
