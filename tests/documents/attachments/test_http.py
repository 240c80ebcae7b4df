"""Download headers: RFC 6266 Content-Disposition and single-range Range parsing."""

import pytest

from services.documents.attachments import (
    ByteRange,
    RangeNotSatisfiable,
    content_disposition,
    etag,
    etag_matches,
    parse_range,
)


def test_chinese_name_gets_filename_star_and_an_ascii_fallback() -> None:
    assert content_disposition("通知.pdf") == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf"
    )


def test_mixed_name_keeps_its_ascii_part() -> None:
    header = content_disposition("2020年政务公开工作要点 v2.docx")
    assert header.startswith('attachment; filename="2020 v2.docx"; ')
    assert header.endswith(
        "filename*=UTF-8''2020%E5%B9%B4%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80"
        "%E5%B7%A5%E4%BD%9C%E8%A6%81%E7%82%B9%20v2.docx"
    )


def test_full_width_letters_fold_into_the_fallback() -> None:
    assert content_disposition("ＡＢＣ１２３.pdf").startswith('attachment; filename="ABC123.pdf"')


def test_header_injection_and_quotes_are_neutralised() -> None:
    header = content_disposition('a"b\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in header
    assert "\n" not in header
    assert header == (
        'attachment; filename="a_bSet-Cookie_ x=1.pdf"; '
        "filename*=UTF-8''a%22bSet-Cookie%3A%20x%3D1.pdf"
    )


def test_directories_are_dropped() -> None:
    assert content_disposition("C:\\Users\\张三\\报告.docx").endswith(
        "filename*=UTF-8''%E6%8A%A5%E5%91%8A.docx"
    )
    assert content_disposition("../../etc/passwd.pdf") == (
        "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf"
    )
    assert content_disposition("a\\b\\c.pdf").startswith('attachment; filename="c.pdf"')


def test_empty_name_and_inline() -> None:
    assert content_disposition("") == (
        "attachment; filename=\"download\"; filename*=UTF-8''download"
    )
    assert content_disposition("图解.png", "inline").startswith('inline; filename="download.png"')


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=500-", (500, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=-2000", (0, 999)),
        ("bytes=0-5000", (0, 999)),
        ("bytes=999-999", (999, 999)),
        ("BYTES = 10 - 20", (10, 20)),
    ],
)
def test_single_ranges(header: str, expected: tuple[int, int]) -> None:
    found = parse_range(header, 1000)
    assert found == ByteRange(expected[0], expected[1], 1000)
    assert found.length == expected[1] - expected[0] + 1
    assert found.content_range == f"bytes {expected[0]}-{expected[1]}/1000"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=",
        "bytes=-",
        "items=0-10",
        "bytes=0-1,5-6",
        "bytes=5-1",
        "bytes=abc",
        "bytes=0-10" + " " * 300,
    ],
)
def test_ranges_that_are_ignored(header: str | None) -> None:
    assert parse_range(header, 1000) is None


@pytest.mark.parametrize(
    ("header", "size"),
    [
        ("bytes=1000-", 1000),
        ("bytes=5000-6000", 1000),
        ("bytes=-0", 1000),
        ("bytes=0-", 0),
        ("bytes=-10", 0),
    ],
)
def test_unsatisfiable_ranges(header: str, size: int) -> None:
    with pytest.raises(RangeNotSatisfiable) as caught:
        parse_range(header, size)
    assert caught.value.status == 416
    assert caught.value.headers == {"Content-Range": f"bytes */{size}"}
    assert "Range" in caught.value.detail


def test_etag_from_the_content_hash() -> None:
    key = "ab" * 32
    tag = etag(key)
    assert tag == f'"{key}"'
    assert etag_matches(tag, tag)
    assert etag_matches(f'"other", W/{tag}', tag)
    assert etag_matches("*", tag)
    assert not etag_matches('"other"', tag)
    assert not etag_matches(None, tag)
    assert not etag_matches("", tag)
