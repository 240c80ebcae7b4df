"""Query filters of document lists and counts (all applied on top of the visibility rule)."""

import datetime as dt
import uuid
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlmodel import col, select

from services.common.isodates import IsoDate
from services.common.listing import UpdatedSince
from services.documents.clock import today
from services.documents.lifecycle.models import Validity
from services.documents.records import repository
from services.documents.records.models import (
    Disclosure,
    Document,
    DocumentAgency,
    DocumentCatalogItem,
    PublicationStatus,
)
from services.documents.records.numbers import parse_document_number


class DocumentFilters(BaseModel):
    agency_id: uuid.UUID | None = None
    type: str | None = None
    subject: str | None = None
    status: PublicationStatus | None = None
    disclosure: Disclosure | None = None
    in_force_on: dt.date | None = None
    validity: Validity | None = None
    catalog_item: uuid.UUID | None = None
    q: str | None = None
    doc_number: str | None = None
    written_from: dt.date | None = None
    written_to: dt.date | None = None
    updated_since: dt.datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.agency_id is not None:
            found.append(
                col(Document.id).in_(
                    select(DocumentAgency.document_id).where(
                        col(DocumentAgency.agency_id) == self.agency_id
                    )
                )
            )
        if self.type is not None:
            found.append(col(Document.type_code) == self.type)
        if self.subject is not None:
            found.append(col(Document.subject_code) == self.subject)
        if self.status is not None:
            found.append(col(Document.status) == self.status)
        if self.disclosure is not None:
            found.append(col(Document.disclosure) == self.disclosure)
        if self.in_force_on is not None:
            found.append(repository.in_force_on(self.in_force_on))
        if self.validity is not None:
            found.append(repository.validity_on(today(), [self.validity.value]))
        if self.catalog_item is not None:
            found.append(
                col(Document.id).in_(
                    select(DocumentCatalogItem.document_id).where(
                        col(DocumentCatalogItem.item_id) == self.catalog_item
                    )
                )
            )
        if self.q:
            found.append(col(Document.title).contains(self.q.strip(), autoescape=True))
        if self.doc_number:
            key = parse_document_number(self.doc_number).normalised
            found.append(col(Document.doc_number_key) == key)
        if self.written_from is not None:
            found.append(col(Document.written_on) >= self.written_from)
        if self.written_to is not None:
            found.append(col(Document.written_on) <= self.written_to)
        if self.updated_since is not None:
            found.append(col(Document.updated_at) >= self.updated_since)
        return found


def document_filters(
    agency_id: Annotated[uuid.UUID | None, Query(description="发文机关（含联合发文）")] = None,
    type: Annotated[str | None, Query(max_length=32, description="文件类型代码")] = None,
    subject: Annotated[str | None, Query(max_length=16, description="主题分类代码")] = None,
    status: Annotated[PublicationStatus | None, Query(description="发布状态")] = None,
    disclosure: Annotated[Disclosure | None, Query(description="公开属性")] = None,
    in_force_on: Annotated[
        IsoDate | None, Query(description="在该日有效（现行有效、已修改、部分失效）的文件")
    ] = None,
    validity: Annotated[Validity | None, Query(description="今天的有效性")] = None,
    catalog_item: Annotated[uuid.UUID | None, Query(description="归入该目录事项的文件")] = None,
    q: Annotated[str | None, Query(max_length=100, description="标题包含")] = None,
    doc_number: Annotated[
        str | None, Query(max_length=100, description="发文字号（括号、空格写法不限）")
    ] = None,
    written_from: Annotated[IsoDate | None, Query(description="成文日期不早于")] = None,
    written_to: Annotated[IsoDate | None, Query(description="成文日期不晚于")] = None,
    updated_since: UpdatedSince = None,
) -> DocumentFilters:
    return DocumentFilters(
        agency_id=agency_id, type=type, subject=subject, status=status, disclosure=disclosure,
        in_force_on=in_force_on, validity=validity, catalog_item=catalog_item, q=q,
        doc_number=doc_number, written_from=written_from, written_to=written_to,
        updated_since=updated_since,
    )  # fmt: skip
