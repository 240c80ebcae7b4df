"""索引号 from the agency's pattern: {credit_code}, {org_code}, {year}, {seq} (e.g. {seq:05d})."""

import string

from services.common.errors import Unprocessable

DEFAULT_PATTERN = "{org_code}/{year}-{seq:05d}"


def render_index_number(pattern: str, *, credit_code: str, year: int, seq: int) -> str:
    """gov.cn's ``000014349/2018-00222`` is ``{org_code}/{year}-{seq:05d}``.

    The 9-character 组织机构代码 is embedded in the 统一社会信用代码 (positions 9–17).
    """
    values = {
        "credit_code": credit_code,
        "org_code": credit_code[8:17],
        "year": year,
        "seq": seq,
    }
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
        if not names <= values.keys() or "seq" not in names:
            raise ValueError(pattern)
        rendered = pattern.format(**values)
    except (ValueError, KeyError, IndexError):
        raise Unprocessable(
            f"发文机关的索引号格式“{pattern}”无法使用，请机关管理员在目录服务中修正。",
            code="index-number-pattern-invalid",
        ) from None
    if not 0 < len(rendered) <= 100:
        raise Unprocessable("按发文机关的格式生成的索引号过长（超过 100 个字符）。")
    return rendered
