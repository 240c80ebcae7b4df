"""`gongkai demo` for the catalog: the sample documents' places and agencies, and a sample
catalog for two domains, loaded idempotently."""

import httpx

from services.catalog import demo
from services.catalog.app import create_app
from services.catalog.settings import CatalogSettings
from services.common.identifiers import is_valid_credit_code
from tests.conftest import ServiceSettingsFactory
from tests.support.apps import client_for

CATALOG = "/api/v1/catalog"


async def test_demo_loads_the_sample_places_and_a_catalog_once(
    make_service_settings: ServiceSettingsFactory,
) -> None:
    settings = await make_service_settings(["catalog"])
    first = await demo.load(settings)
    assert first.startswith("12 个区划、10 个机关已新增")
    assert "已发布第 1 版（5 项）" in first
    second = await demo.load(settings)
    assert second.startswith("0 个区划、0 个机关已新增")
    assert "已存在" in second

    catalog_settings = settings["catalog"]
    assert isinstance(catalog_settings, CatalogSettings)
    async with client_for(create_app(catalog_settings)) as catalog:
        agencies = await _all(catalog, f"{CATALOG}/agencies")
        names = {a["name"] for a in agencies}
        for place in ("张掖市", "石家庄市", "资阳市", "博山区", "交城县"):
            assert {f"{place}人民政府", f"{place}人民政府办公室"} <= names
        assert len(agencies) == 10
        assert all(is_valid_credit_code(a["credit_code"]) for a in agencies)
        by_name = {a["name"]: a for a in agencies}
        assert by_name["博山区人民政府办公室"]["division_code"] == "370304"
        assert (
            by_name["交城县人民政府办公室"]["index_number_pattern"] == "JCXZFBWJ-{year}-{seq:04d}"
        )
        assert by_name["交城县人民政府办公室"]["parent_id"] == by_name["交城县人民政府"]["id"]
        found = await catalog.get(f"{CATALOG}/agencies", params={"q": "资府办"})
        assert [a["name"] for a in found.json()["items"]] == ["资阳市人民政府办公室"]
        boshan = (await catalog.get(f"{CATALOG}/divisions/370304")).json()
        assert (boshan["name"], boshan["parent_code"]) == ("博山区", "370300")

        office = by_name["交城县人民政府办公室"]["id"]
        domains = (await catalog.get(f"{CATALOG}/agencies/{office}/domains")).json()
        assert [(d["domain_name"], d["item_count"]) for d in domains["items"]] == [
            ("征地补偿", 2), ("社会救助", 3),
        ]  # fmt: skip
        items = (await catalog.get(f"{CATALOG}/items", params={"within": "141122"})).json()
        assert {i["subject"] for i in items["items"]} == {"交城县人民政府办公室"}
        templates = (await catalog.get(f"{CATALOG}/templates")).json()["items"]
        assert len(templates) == 2


async def _all(catalog: httpx.AsyncClient, url: str) -> list[dict[str, object]]:
    response = await catalog.get(url, params={"limit": 100})
    assert response.status_code == 200
    return list(response.json()["items"])
