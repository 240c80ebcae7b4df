import httpx

from tests.requests.conftest import Agencies
from tests.support.requests import BASE, officer, request_body
from tests.support.tokens import TokenMinter


async def test_smoke(client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies) -> None:
    made = await client.post(BASE, json=request_body(agencies.a))
    assert made.status_code == 201, made.text
    print(made.json())
    got = await client.get(f"{BASE}/{made.json()['id']}", headers=officer(tokens, agencies.a))
    assert got.status_code == 200, got.text
    print(got.json())
