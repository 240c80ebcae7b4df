"""What goes into the search index and what comes out of it (adapter-neutral)."""

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from enum import StrEnum
from typing import Annotated

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.errors import BadRequest

# Totals are exact up to this many matches; beyond it an adapter may say "at least" (Meilisearch
# counts no further). Paging reaches no deeper than this either.
TOTAL_BOUND = 10_000
MAX_LIMIT = 100

Text = Annotated[str, Field(max_length=200)]


class IndexedDocument(BaseModel):
    """One document version as the index holds it; the database stays the source of truth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: uuid.UUID
    version: int = Field(ge=1, description="文件版本号；旧版本永远不会覆盖新版本")
    title: str = Field(max_length=500)
    doc_number: str | None = Field(None, max_length=100, description="发文字号")
    keywords: tuple[str, ...] = ()
    body: str = ""
    attachment_text: str = ""
    agency_ids: tuple[uuid.UUID, ...] = Field((), description="发文机关（含联合发文）")
    agency_names: tuple[str, ...] = Field((), description="发文机关名称，检索用")
    year: int | None = Field(None, ge=1949, le=2200)
    doc_type: str | None = Field(None, max_length=32)
    category: str | None = Field(None, max_length=64)
    validity: str | None = Field(None, max_length=32, description="有效性，如 in_force、repealed")
    effective_from: dt.date | None = Field(None, description="施行日期；空表示自发布起")
    effective_until: dt.date | None = Field(None, description="失效/废止日期（含当日仍有效）")
    disclosure: str = Field("proactive", max_length=32, description="公开属性")
    is_public: bool = Field(description="公众是否可见：由文件服务的可见性规则算出")
    catalog_item_ids: tuple[uuid.UUID, ...] = ()
    issued_on: dt.date | None = Field(None, description="成文日期")
    published_on: dt.date | None = Field(None, description="发布日期（按时间排序用）")

    @property
    def sort_date(self) -> dt.date:
        return self.published_on or self.issued_on or dt.date(1970, 1, 1)


class Sort(StrEnum):
    RELEVANCE = "relevance"  # 相关度
    NEWEST = "newest"  # 最新发布
    OLDEST = "oldest"  # 最早发布


class FacetName(StrEnum):
    AGENCY = "agency"
    YEAR = "year"
    DOC_TYPE = "doc_type"
    CATEGORY = "category"
    VALIDITY = "validity"
    CATALOG_ITEM = "catalog_item"


class Scope(BaseModel):
    """Who is asking: the public, staff of some agencies, or everyone (platform admin)."""

    model_config = ConfigDict(frozen=True)

    staff_agency_ids: frozenset[uuid.UUID] = frozenset()
    everything: bool = False

    @classmethod
    def public(cls) -> "Scope":
        return cls()

    @classmethod
    def staff(cls, agency_ids: frozenset[uuid.UUID] | set[uuid.UUID]) -> "Scope":
        return cls(staff_agency_ids=frozenset(agency_ids))

    def may_see(self, doc: IndexedDocument) -> bool:
        return (
            doc.is_public
            or self.everything
            or bool(self.staff_agency_ids.intersection(doc.agency_ids))
        )


class SearchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str = Field("", max_length=200, description="检索词；空格分隔的词须同时出现")
    agency_ids: tuple[uuid.UUID, ...] = ()
    doc_types: tuple[Text, ...] = ()
    categories: tuple[Text, ...] = ()
    validities: tuple[Text, ...] = ()
    catalog_item_ids: tuple[uuid.UUID, ...] = ()
    year: int | None = Field(None, ge=1949, le=2200)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    in_force_on: dt.date | None = None
    sort: Sort = Sort.RELEVANCE
    facets: tuple[FacetName, ...] = ()
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=512)
    scope: Scope = Scope()

    @model_validator(mode="after")
    def _dates_in_order(self) -> "SearchQuery":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("起始日期不能晚于截止日期")
        return self

    def fingerprint(self) -> str:
        """Identifies the result list a cursor belongs to (everything but limit and cursor)."""
        body = self.model_dump(mode="json", exclude={"cursor", "limit"})
        return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]

    def offset(self) -> int:
        """Where this page starts; a cursor from another query or past the bound is a 400."""
        if self.cursor is None:
            return 0
        try:
            padded = self.cursor + "=" * (-len(self.cursor) % 4)
            data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
            offset, fingerprint = data["o"], data["f"]
            if not isinstance(offset, int) or not 0 <= offset < TOTAL_BOUND:
                raise ValueError("offset")
            if fingerprint != self.fingerprint():
                raise ValueError("fingerprint")
        except (ValueError, TypeError, KeyError, binascii.Error, orjson.JSONDecodeError):
            raise BadRequest(
                "检索分页游标无效，或检索条件已改变，请从第一页重新检索。", code="invalid-cursor"
            ) from None
        return offset

    def next_cursor(self, offset: int, returned: int, total: int) -> str | None:
        following = offset + returned
        if returned == 0 or following >= min(total, TOTAL_BOUND):
            return None
        raw = orjson.dumps({"o": following, "f": self.fingerprint()})
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SearchHit(BaseModel):
    id: uuid.UUID
    version: int
    title: str
    doc_number: str | None
    published_on: dt.date | None
    title_highlight: str = Field(description="HTML 转义后的标题，命中处以 <em> 标出")
    snippet: str = Field(description="HTML 转义后的正文（或附件）片段，命中处以 <em> 标出")
    matched_in_attachment: bool = Field(description="只在附件文字中命中")
    score: float | None = None


class FacetCount(BaseModel):
    value: str
    count: int


class SearchResults(BaseModel):
    hits: list[SearchHit]
    total: int = Field(description=f"命中总数；不超过 {TOTAL_BOUND} 时精确")
    total_exact: bool = True
    facets: dict[FacetName, list[FacetCount]] = {}
    next_cursor: str | None = None


class SuggestionKind(StrEnum):
    TERM = "term"  # 词语（拼音首字母匹配到的标题片段）
    TITLE = "title"
    DOC_NUMBER = "doc_number"


class Suggestion(BaseModel):
    text: str
    kind: SuggestionKind
    document_id: uuid.UUID | None = None
