"""The DCAT-AP catalog (JSON-LD) of Gongkai's open data, for open-data portals' harvesters.

The datasets are what an integrator can pull, each with its distributions:

- the whole public document registry (bulk JSONL and CSV, the list API, the Atom feed);
- the whole catalog (agencies and current catalog items, bulk JSONL and CSV);
- per agency, its 主动公开文件 (list API and Atom feed filtered to the agency) and, when it
  has published one, its 政务公开事项标准目录 (list API and the Excel file), with the
  catalog's domains as keywords.

Per agency rather than per domain, because an agency is the publisher DCAT-AP asks for and
the unit that publishes documents and catalogs; the domains become keywords.
"""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies.models import Agency, AgencyKind
from services.catalog.domains.models import Domain
from services.catalog.versions.models import CatalogVersion, PublishedItem

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
CHINESE = {"@id": "http://publications.europa.eu/resource/authority/language/ZHO"}
GOVERNMENT = {"@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"}
MEDIA_TYPE = "application/ld+json"


def _text(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "zh-CN"}


def _moment(value: dt.datetime) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _distribution(url: str, title: str, kind: str, *, download: bool = False) -> dict[str, Any]:
    """One way to get a dataset; ``kind`` is json, jsonl, csv, xlsx or atom."""
    media, file_type = {
        "json": ("application/json", "JSON"),
        "jsonl": ("application/json", "JSON"),
        "csv": ("text/csv", "CSV"),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
        "atom": ("application/atom+xml", "ATOM"),
    }[kind]
    found: dict[str, Any] = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _text(title),
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": MEDIA + media},
        "dct:format": {"@id": FILE_TYPE + file_type},
    }
    if download:
        found["dcat:downloadURL"] = {"@id": url}
    return found


def _agent(agency: Agency | None, base: str) -> dict[str, Any]:
    if agency is None:
        return {"@type": "foaf:Agent", "foaf:name": _text("政务公开平台")}
    return {
        "@id": f"{base}/api/v1/catalog/agencies/{agency.id}",
        "@type": "foaf:Agent",
        "foaf:name": _text(agency.name),
        "dct:identifier": agency.credit_code,
    }


def _contact(agency: Agency) -> dict[str, Any]:
    point: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": _text(agency.name)}
    if agency.contact_phone:
        point["vcard:hasTelephone"] = {"@id": "tel:" + agency.contact_phone.replace(" ", "")}
    if agency.contact_email:
        point["vcard:hasEmail"] = {"@id": "mailto:" + agency.contact_email}
    return point


def _dataset(
    url: str, identifier: str, title: str, description: str, publisher: dict[str, Any]
) -> dict[str, Any]:
    return {
        "@id": url,
        "@type": "dcat:Dataset",
        "dct:identifier": identifier,
        "dct:title": _text(title),
        "dct:description": _text(description),
        "dct:publisher": publisher,
        "dct:language": CHINESE,
        "dcat:theme": GOVERNMENT,
    }


async def _domains_by_agency(session: AsyncSession) -> dict[uuid.UUID, list[str]]:
    rows = await session.exec(
        select(PublishedItem.agency_id, Domain.name)
        .join(Domain, col(Domain.id) == col(PublishedItem.domain_id))
        .where(col(PublishedItem.current).is_(True))
        .group_by(col(PublishedItem.agency_id), col(Domain.name), col(Domain.position))
        .order_by(col(Domain.position), col(Domain.name))
    )
    found: dict[uuid.UUID, list[str]] = {}
    for agency_id, name in rows:
        found.setdefault(agency_id, []).append(name)
    return found


async def _platform_publisher(session: AsyncSession) -> Agency | None:
    """The top government (a government without a parent, highest division) publishes it."""
    rows = await session.exec(
        select(Agency)
        .where(col(Agency.parent_id).is_(None), col(Agency.kind) == AgencyKind.GOVERNMENT)
        .order_by(func.length(Agency.division_code), col(Agency.division_code), col(Agency.name))
        .limit(1)
    )
    return rows.first()


def _shared_datasets(base: str, publisher: dict[str, Any]) -> list[dict[str, Any]]:
    documents = f"{base}/api/v1/open/exports/documents"
    catalog = f"{base}/api/v1/open/exports/catalog"
    registry = _dataset(
        documents, "gongkai:documents", "主动公开文件库（全量）",
        "全部已发布的主动公开文件（规章、行政规范性文件等）：标题、发文字号、发文机关、成文日期、"
        "有效性、正文，及其政策解读和政府公报。全量文件随数据变化重新生成，附 SHA-256 清单"
        "（manifest.json）。",
        publisher,
    )  # fmt: skip
    registry["dcat:distribution"] = [
        _distribution(f"{documents}/{name}.{kind}", title, kind, download=True)
        for name, label in (("documents", "文件"), ("interpretations", "政策解读"),
                            ("gazette", "政府公报"))
        for kind, title in (("jsonl", f"{label}全量导出（JSON Lines）"),
                            ("csv", f"{label}全量导出（CSV，UTF-8 带 BOM）"))
    ] + [
        _distribution(f"{base}/api/v1/documents", "文件列表接口（分页、增量同步）", "json"),
        _distribution(f"{base}/feeds/documents.atom", "文件订阅（Atom）", "atom"),
    ]  # fmt: skip
    whole = _dataset(
        catalog, "gongkai:catalog", "政务公开事项标准目录与机关名录（全量）",
        "各机关当前发布的政务公开事项标准目录（领域、事项、公开内容、依据、时限、主体、渠道、"
        "对象、方式、层级）和机关名录。",
        publisher,
    )  # fmt: skip
    whole["dcat:distribution"] = [
        _distribution(f"{catalog}/{name}.{kind}", title, kind, download=True)
        for name, kind, title in (
            ("items", "jsonl", "公开事项（JSON Lines）"),
            ("items", "csv", "公开事项（CSV，UTF-8 带 BOM）"),
            ("agencies", "jsonl", "机关名录（JSON Lines）"),
            ("agencies", "csv", "机关名录（CSV，UTF-8 带 BOM）"),
        )
    ] + [_distribution(f"{base}/api/v1/catalog/items", "公开事项浏览接口", "json")]
    return [registry, whole]


def _agency_datasets(
    agency: Agency, base: str, version: CatalogVersion | None, domains: list[str]
) -> list[dict[str, Any]]:
    publisher = _agent(agency, base)
    documents = _dataset(
        f"{base}/api/v1/documents?agency_id={agency.id}", f"gongkai:documents:{agency.id}",
        f"{agency.name}主动公开文件", f"{agency.name}（含联合发文）已发布的主动公开文件。",
        publisher,
    )  # fmt: skip
    documents["dcat:contactPoint"] = _contact(agency)
    documents["dcat:distribution"] = [
        _distribution(documents["@id"], "文件列表接口", "json"),
        _distribution(
            f"{base}/feeds/documents.atom?agency={agency.id}", "文件订阅（Atom）", "atom"
        ),
    ]
    found = [documents]
    if version is not None:
        catalog = _dataset(
            f"{base}/api/v1/catalog/items?agency={agency.id}", f"gongkai:catalog:{agency.id}",
            f"{agency.name}政务公开事项标准目录",
            f"{agency.name}当前发布的政务公开事项标准目录（第 {version.number} 版）。",
            publisher,
        )  # fmt: skip
        catalog.update({
            "dct:modified": _moment(version.published_at),
            "dcat:version": str(version.number),
            "dcat:keyword": [_text(d) for d in domains],
            "dcat:contactPoint": _contact(agency),
            "dcat:distribution": [
                _distribution(catalog["@id"], "公开事项接口", "json"),
                _distribution(f"{base}/api/v1/catalog/agencies/{agency.id}/catalog.xlsx",
                              "目录（Excel）", "xlsx", download=True),
            ],
        })  # fmt: skip
        found.append(catalog)
    return found


async def catalog(session: AsyncSession, base: str) -> dict[str, Any]:
    """The whole DCAT-AP catalog as a JSON-LD document; ``base`` is the public site address."""
    publisher = _agent(await _platform_publisher(session), base)
    versions = {
        v.agency_id: v
        for v in await session.exec(
            select(CatalogVersion).where(col(CatalogVersion.current).is_(True))
        )
    }
    domains = await _domains_by_agency(session)
    datasets = _shared_datasets(base, publisher)
    agencies = await session.exec(select(Agency).order_by(col(Agency.name), col(Agency.id)))
    for agency in agencies:
        datasets += _agency_datasets(
            agency, base, versions.get(agency.id), domains.get(agency.id, [])
        )
    modified = max((v.published_at for v in versions.values()), default=None)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{base}/api/v1/open/dcat",
        "@type": "dcat:Catalog",
        "dct:title": _text("政务公开开放数据目录"),
        "dct:description": _text(
            "本平台开放的政务公开数据：主动公开文件、政务公开事项标准目录和机关名录，"
            "提供全量下载（JSON Lines、CSV）、接口和订阅。"
        ),
        "dct:publisher": publisher,
        "dct:language": CHINESE,
        "foaf:homepage": {"@id": f"{base}/"},
        "dcat:themeTaxonomy": {
            "@id": "http://publications.europa.eu/resource/authority/data-theme"
        },
        "dcat:dataset": datasets,
    }
    if modified is not None:
        document["dct:modified"] = _moment(modified)
    return document
