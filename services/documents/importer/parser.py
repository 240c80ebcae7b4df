"""`parse_legacy_text`: one legacy document's text in, what was found (and what not) out."""

import logging
from pathlib import Path

from services.documents import docnumber
from services.documents.importer import header
from services.documents.importer.cleaning import join_lines, split_page
from services.documents.importer.dates import find_date
from services.documents.importer.result import FieldReport, ImportField, ImportResult

logger = logging.getLogger("gongkai.documents.importer")

MAX_FILE_BYTES = 5 * 1024 * 1024  # a legacy document's text is far smaller

_NOT_FOUND = {
    ImportField.DOC_NUMBER: "未找到发文字号，请对照原件补录（规章请填写令号，如“第12号令”）。",
    ImportField.TITLE: "未找到标题（通常以“关于”开头、以“通知”“意见”等文种结尾），请人工填写。",
    ImportField.AGENCY: "未找到发文机关，请从机构目录中选择。",
    ImportField.WRITTEN_ON: "未找到成文日期（落款日期，如“2020年9月18日”），请人工填写。",
    ImportField.DISCLOSURE: (
        "未找到公开属性标注（如“（此件公开发布）”），请由起草单位确定公开属性后再发布。"
    ),
    ImportField.BODY: "未找到正文内容，请检查文件是否为空或不是文本文件。",
}


def _found(field: ImportField, value: str, source: str, note: str = "") -> FieldReport:
    return FieldReport(
        field=field,
        label=field.label,
        found=True,
        value=value,
        source=source,
        message=f"已识别{field.label}：{value}{note}",
    )


def _missing(field: ImportField, message: str | None = None) -> FieldReport:
    return FieldReport(
        field=field, label=field.label, found=False, message=message or _NOT_FOUND[field]
    )


def read_document(text: str, filename: str) -> ImportResult:
    """Parse; a bug here raises (tests call this). Callers use `parse_legacy_text`."""
    page = split_page(text)
    lines = page.lines
    reports: list[FieldReport] = []

    number, unreadable = header.read_doc_number(lines, page.raw, page.metadata)
    if number is not None:
        canonical = number.value.normalised()
        note = f"（原文“{number.value.original}”）" if number.value.original != canonical else ""
        reports.append(_found(ImportField.DOC_NUMBER, canonical, number.source, note))
    elif unreadable is not None:
        reports.append(
            _missing(
                ImportField.DOC_NUMBER,
                f"网页元数据中的发文字号“{unreadable[:40]}”无法识别，请对照原件补录。",
            )
        )
    else:
        reports.append(_missing(ImportField.DOC_NUMBER))

    heading = header.read_heading(lines, page.metadata)
    written, written_at = header.read_written_on(lines, page.metadata)
    agencies = header.read_agencies(lines, page.metadata, heading, written_at)
    title = heading.title if heading else None
    if heading is not None and heading.title.startswith("关于") and agencies:
        # the page's metadata often gives the title without the agency it starts with
        title = " ".join(agencies.value) + heading.title
    reports.append(
        _found(ImportField.TITLE, title, heading.source)
        if heading is not None and title is not None
        else _missing(ImportField.TITLE)
    )
    reports.append(
        _found(ImportField.AGENCY, "、".join(agencies.value), agencies.source)
        if agencies is not None
        else _missing(ImportField.AGENCY)
    )
    reports.append(
        _found(ImportField.WRITTEN_ON, written.value.isoformat(), written.source)
        if written is not None
        else _missing(ImportField.WRITTEN_ON)
    )
    disclosure = header.read_disclosure(lines, page.metadata)
    reports.append(
        _found(ImportField.DISCLOSURE, disclosure.value.label, disclosure.source)
        if disclosure is not None
        else _missing(ImportField.DISCLOSURE)
    )
    body = "\n".join(join_lines(lines))
    reports.append(
        _found(ImportField.BODY, f"{len(body)} 字", header.FROM_TEXT)
        if body
        else _missing(ImportField.BODY)
    )

    own = number.value.normalised() if number is not None else None
    cited = [n.normalised() for n in docnumber.find_all(body)]
    published = page.metadata.get("发布日期") or page.metadata.get("发布时间")
    keywords = page.metadata.get("主题词") or page.metadata.get("关键词") or ""
    return ImportResult(
        filename=filename,
        doc_number=own,
        doc_number_original=number.value.original if number is not None else unreadable,
        title=title,
        agency=agencies.value[0] if agencies is not None else None,
        agencies=agencies.value if agencies is not None else [],
        written_on=written.value if written is not None else None,
        disclosure=disclosure.value if disclosure is not None else None,
        body=body,
        index_number=page.metadata.get("索引号"),
        published_on=find_date(published) if published else None,
        keywords=[word for word in header.split_names(keywords) if word],
        topic=page.metadata.get("主题分类"),
        cited_numbers=[n for n in cited if n != own],
        fields=reports,
    )


def parse_legacy_text(text: str, filename: str) -> ImportResult:
    """Read one legacy document (web-page text, broken lines and all); never raises."""
    try:
        return read_document(text if isinstance(text, str) else "", filename)
    except Exception:  # a reader bug must not stop an import of many files
        logger.exception("importer failed on %s", filename)
        return ImportResult(
            filename=filename,
            fields=[
                _missing(field, f"无法解析此文件的{field.label}，请人工录入。")
                for field in ImportField
            ],
        )


def decode_legacy_bytes(data: bytes) -> str:
    """Text of a legacy file: UTF-8 (with or without BOM), else GB18030 (covers GBK, GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def parse_legacy_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> ImportResult:
    """Read and parse one legacy file (`gongkai import PATH…`); never raises."""
    problem: str | None = None
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problem = (
                f"文件过大（{size} 字节，上限 {max_bytes} 字节），不像是一份公文的文本，未导入。"
            )
        else:
            return parse_legacy_text(decode_legacy_bytes(path.read_bytes()), path.name)
    except OSError as exc:
        problem = f"无法读取文件：{exc.strerror or exc}。"
    return ImportResult(
        filename=path.name, fields=[_missing(field, problem) for field in ImportField]
    )
