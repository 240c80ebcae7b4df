"""``gongkai demo`` for documents: the five samples imported through the importer, once."""

from services.catalog.app import create_app as create_catalog
from services.catalog.settings import CatalogSettings
from services.documents import demo
from services.documents.app import create_app as create_documents
from services.documents.settings import DocumentsSettings
from tests.conftest import ServiceSettingsFactory
from tests.support.apps import client_for
from tests.support.catalog import agency_body
from tests.support.documents import DOCS, SAMPLE_OFFICES, register_agencies
from tests.support.tokens import TokenMinter


async def test_demo_loads_the_samples_once(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> None:
    settings = await make_service_settings(["catalog", "documents"])
    assert isinstance(settings["catalog"], CatalogSettings)
    assert isinstance(settings["documents"], DocumentsSettings)
    catalog_app = create_catalog(settings["catalog"])
    async with client_for(catalog_app) as catalog:
        await register_agencies(catalog, tokens)
        admin = tokens.headers(roles=["platform_admin"], scopes=["catalog:manage"])
        for name in SAMPLE_OFFICES:
            response = await catalog.post(
                "/api/v1/catalog/agencies", json=agency_body(name), headers=admin
            )
            assert response.status_code == 201, response.text

    first = await demo.load(settings)
    assert first == "示例文件 5 份：新登记并发布 3 份，新登记草稿 2 份，已存在 0 份"
    second = await demo.load(settings)
    assert second == "示例文件 5 份：新登记并发布 0 份，新登记草稿 0 份，已存在 5 份"

    documents_app = create_documents(
        settings["documents"], peers={"catalog": create_catalog(settings["catalog"])}
    )
    async with client_for(documents_app) as docs:
        public = (await docs.get(DOCS, params={"limit": 100})).json()["items"]
    assert sorted(d["doc_number_normalised"] for d in public) == [
        "交政办发〔2020〕78号",
        "博政办字〔2020〕45号",
        "石政办函〔2020〕28号",
    ]
