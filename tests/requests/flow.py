"""Driving one request through the API in tests: each action with the current ETag."""

import datetime as dt
from typing import Any

import httpx

from tests.support.requests import BASE


class Flow:
    """One request as seen by an officer of its agency."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str], created: dict[str, Any]):
        self.client, self.headers = client, headers
        self.id: str = created["id"]
        self.number: str = created["tracking_number"]
        self.code: str = created["query_code"]
        self.etag: str | None = None

    @classmethod
    async def start(
        cls, client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
    ) -> "Flow":
        made = await client.post(BASE, json=body, headers=headers)
        assert made.status_code == 201, made.text
        flow = cls(client, headers, made.json())
        await flow.read()
        return flow

    async def read(self) -> dict[str, Any]:
        got = await self.client.get(f"{BASE}/{self.id}", headers=self.headers)
        assert got.status_code == 200, got.text
        self.etag = got.headers["etag"]
        body: dict[str, Any] = got.json()
        return body

    async def attempt(
        self, action: str, on: dt.date | None = None, **fields: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"action": action, **fields}
        if on is not None:
            body["on"] = on.isoformat()
        headers = {**self.headers, "If-Match": self.etag or ""}
        response = await self.client.post(
            f"{BASE}/{self.id}/transitions", json=body, headers=headers
        )
        if response.status_code == 200:
            self.etag = response.headers["etag"]
        return response

    async def act(self, action: str, on: dt.date | None = None, **fields: Any) -> dict[str, Any]:
        response = await self.attempt(action, on, **fields)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def track(self) -> httpx.Response:
        return await self.client.get(
            f"{BASE}/track", params={"number": self.number, "code": self.code}
        )

    async def finish(self, on: dt.date, **decision: Any) -> dict[str, Any]:
        """提出办理意见 → 作出决定 → 报批 → 送达, all on ``on``."""
        await self.act("propose", on, opinion="拟按申请内容答复。")
        await self.act("decide", on, **decision)
        await self.act("submit_for_approval", on)
        return await self.act("deliver", on, approver="办公室主任 赵六")
