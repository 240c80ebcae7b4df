"""Builders of catalog test data: credit codes with valid check digits, divisions, agencies."""

import hashlib
import io
import time
from typing import Any

import httpx
import openpyxl

from services.catalog.agencies.models import AgencyKind
from services.catalog.agencies.schemas import AgencyCreate
from services.catalog.divisions.schemas import DivisionCreate
from services.catalog.domains.seed import domain_id
from services.common.identifiers import CREDIT_CODE_CHARSET, credit_code_check_char
from tests.support.tokens import TokenMinter


def credit_code(seed: str, *, division_code: str = "620700") -> str:
    """A 统一社会信用代码 of a 机关 (registered by 机构编制部门: ``11``) that passes GB 32100."""
    digest = hashlib.sha256(seed.encode()).digest()
    body = "".join(CREDIT_CODE_CHARSET[b % 31] for b in digest[:9])
    first17 = "11" + division_code[:6] + body
    return first17 + credit_code_check_char(first17)


ZHANGYE_DIVISIONS = [
    DivisionCreate(code="620000", name="甘肃省"),
    DivisionCreate(code="620700", name="张掖市"),
    DivisionCreate(code="620702", name="甘州区"),
    DivisionCreate(code="620702001", name="东街街道"),
]


def agency_create(
    name: str = "张掖市人民政府办公室",
    *,
    division_code: str = "620700",
    kind: AgencyKind = AgencyKind.GOVERNMENT_OFFICE,
    **fields: Any,
) -> AgencyCreate:
    values: dict[str, Any] = {
        "name": name,
        "credit_code": credit_code(name, division_code=division_code),
        "division_code": division_code,
        "kind": kind,
        **fields,
    }
    return AgencyCreate(**values)


def agency_body(name: str = "张掖市人民政府办公室", **fields: Any) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/catalog/agencies``."""
    return agency_create(name, **fields).model_dump(mode="json", exclude_defaults=True)


# --- catalog items, versions and the callers who edit them ------------------------------

CATALOG = "/api/v1/catalog"


def land_domain_id() -> str:
    return str(domain_id("land-expropriation-compensation"))


def item_body(level1: str = "征收土地信息", **fields: Any) -> dict[str, Any]:
    """The example row of domain.md §3 (重大建设项目 / 征地) as the JSON of one item."""
    body: dict[str, Any] = {
        "domain_id": land_domain_id(),
        "level1": level1,
        "level2": "征收土地信息",
        "elements": [
            {"name": "征地告知书及报批前程序材料", "required": True},
            {"name": "征收土地方案", "required": True},
            {"name": "征地补偿安置方案公告等", "required": True},
        ],
        "basis": "《政府信息公开条例》等",
        "deadline": {"text": "信息形成20个工作日内"},
        "subject": "乡镇政府/街道",
        "channels": ["website", "new_media", "service_centre"],
        "audience": "everyone",
        "mode": "proactive",
        "levels": ["township"],
    }
    body.update(fields)
    return body


def platform_admin(tokens: TokenMinter) -> dict[str, str]:
    return tokens.headers(roles=["platform_admin"], scopes=["catalog:manage"])


def catalog_editor(tokens: TokenMinter, *agency_ids: object) -> dict[str, str]:
    """An editor of these agencies, allowed to read and write their catalog drafts."""
    return tokens.headers(
        roles=["editor"], scopes=["catalog:read", "catalog:write"], agencies=agency_ids
    )


def catalog_publisher(tokens: TokenMinter, *agency_ids: object, mfa: bool = True) -> dict[str, str]:
    """A publisher of these agencies, with a fresh multi-factor login unless ``mfa`` is False."""
    extra: dict[str, Any] = {"acr": "mfa", "auth_time": int(time.time())} if mfa else {}
    return tokens.headers(
        roles=["publisher"],
        scopes=["catalog:read", "catalog:write", "catalog:publish"],
        agencies=agency_ids,
        **extra,
    )


async def register_agency(
    client: httpx.AsyncClient,
    tokens: TokenMinter,
    name: str = "东街街道办事处",
    *,
    division_code: str = "620702001",
    kind: AgencyKind = AgencyKind.SUBDISTRICT,
) -> str:
    """Loads the Zhangye divisions (idempotent) and registers an agency; returns its id."""
    divisions = {"divisions": [d.model_dump(mode="json") for d in ZHANGYE_DIVISIONS]}
    loaded = await client.post(
        f"{CATALOG}/divisions/import", json=divisions, headers=platform_admin(tokens)
    )
    assert loaded.status_code == 200, loaded.text
    body = agency_body(name, division_code=division_code, kind=kind)
    created = await client.post(f"{CATALOG}/agencies", json=body, headers=platform_admin(tokens))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


# --- Excel catalogs in the layout localities publish ------------------------------------

CHANNEL_HEADERS = [
    "政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点",
    "政务服务中心", "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送",
    "其他",
]  # fmt: skip

# domain.md §3's example row (重大建设项目 / 征地), as a catalog sheet has it.
EXAMPLE_ROW: dict[str, Any] = {
    "level1": "征收土地信息",
    "level2": "征收土地信息",
    "elements": "征地告知书及报批前程序材料、征收土地方案、征地补偿安置方案公告等",
    "basis": "《政府信息公开条例》等",
    "deadline": "信息形成20个工作日内",
    "subject": "乡镇政府/街道",
    "channels": ["政府网站", "两微一端", "政务服务中心"],
    "audience": "全社会",
    "mode": "主动",
    "levels": ["乡级"],
    "phone": None,
}


def catalog_workbook(
    sheets: dict[str, list[dict[str, Any]]], *, yes: str = "■", no: str = "□"
) -> bytes:
    """A workbook in the real layout, written independently of the service's own writer:
    title row, merged headers over 公开事项 / 公开渠道和载体 / 公开对象 / 公开方式 / 公开层级."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    groups: list[tuple[str, list[str] | None]] = [
        ("序号", None), ("公开事项", ["一级事项", "二级事项"]), ("公开内容（要素）", None),
        ("公开依据", None), ("公开时限", None), ("公开主体", None),
        ("公开渠道和载体", CHANNEL_HEADERS), ("公开对象", ["全社会", "特定群体"]),
        ("公开方式", ["主动", "依申请"]), ("公开层级", ["市级", "县级", "乡级"]),
        ("咨询电话", None),
    ]  # fmt: skip
    for name, rows in sheets.items():
        ws = workbook.create_sheet(name)
        ws.cell(1, 1, f"{name}领域基层政务公开标准目录")
        column = 1
        for top, subs in groups:
            ws.cell(2, column, top)
            if subs is None:
                ws.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
                column += 1
                continue
            ws.merge_cells(
                start_row=2, start_column=column, end_row=2, end_column=column + len(subs) - 1
            )
            for offset, sub in enumerate(subs):
                ws.cell(3, column + offset, sub)
            column += len(subs)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=column - 1)
        for number, row in enumerate(rows, start=1):
            values: list[Any] = [
                number, row["level1"], row["level2"], row["elements"], row["basis"],
                row["deadline"], row["subject"],
                *(yes if h in row["channels"] else no for h in CHANNEL_HEADERS),
                *("√" if row["audience"] == a else None for a in ("全社会", "特定群体")),
                *("√" if row["mode"] == m else None for m in ("主动", "依申请")),
                *("√" if lv in row["levels"] else None for lv in ("市级", "县级", "乡级")),
                row.get("phone"),
            ]  # fmt: skip
            for c, value in enumerate(values, start=1):
                ws.cell(3 + number, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
