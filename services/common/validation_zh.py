"""FastAPI/pydantic validation errors rewritten in Chinese, with the path of the field."""

from collections.abc import Mapping, Sequence
from typing import Any

LOCATIONS = {
    "body": "请求体",
    "query": "查询参数",
    "path": "路径参数",
    "header": "请求头",
    "cookie": "Cookie",
    "form": "表单",
}

# pydantic error type → Chinese message; {name} placeholders come from the error's ctx.
MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许提交此字段",
    "json_invalid": "请求体不是合法的 JSON：{error}",
    "json_type": "应为 JSON 数据",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "list_type": "应为数组",
    "tuple_type": "应为数组",
    "set_type": "应为数组",
    "string_type": "应为文本",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为合法的 UTF-8 文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数不能超过 {max_digits} 位",
    "decimal_max_places": "小数位数不能超过 {decimal_places} 位",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多允许 {max_length} 项",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，不能带时间",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "datetime_type": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS+08:00",
    "datetime_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS+08:00",
    "datetime_from_date_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS+08:00",
    "timezone_aware": "日期时间须带时区，如 +08:00",
    "time_parsing": "应为时间，格式 HH:MM",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "url_type": "应为网址",
    "url_parsing": "应为合法网址",
    "url_scheme": "网址协议应为 {expected_schemes}",
    "value_error": "{error}",
    "assertion_error": "{error}",
    "enum": "应为以下取值之一：{expected}",
    "literal_error": "应为以下取值之一：{expected}",
    "union_tag_invalid": "类型标记 {tag} 无效，应为 {expected_tags}",
    "union_tag_not_found": "缺少类型标记 {discriminator}",
    "bytes_type": "应为文件或二进制数据",
    "bytes_too_long": "内容不能超过 {max_length} 字节",
    "is_instance_of": "类型不正确",
    "frozen_field": "此字段不能修改",
    "frozen_instance": "此对象不能修改",
    "no_such_attribute": "不允许提交此字段",
    "finite_number": "应为有限数字",
    "email_parsing": "电子邮箱格式不正确",
    "value_error.email": "电子邮箱格式不正确",
}
FALLBACK = "取值无效"


def translate_validation_errors(errors: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(field path, Chinese message) for each error."""
    return [(field_path(err.get("loc", ())), message(err)) for err in errors]


def field_path(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if not parts:
        return "请求"
    head = LOCATIONS.get(parts[0], parts[0])
    rest = ".".join(parts[1:])
    return f"{head}.{rest}" if rest else head


def message(err: Mapping[str, Any]) -> str:
    template = MESSAGES.get(str(err.get("type", "")), FALLBACK)
    ctx = dict(err.get("ctx") or {})
    if "error" in ctx:
        ctx["error"] = _error_text(ctx["error"])
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", "、").replace("'", "")
    try:
        text = template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        text = FALLBACK
    return text or FALLBACK


def _error_text(error: object) -> str:
    text = str(error)
    # Our own validators raise ValueError with Chinese text; pydantic prefixes "Value error, ".
    for prefix in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(prefix)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return f"取值无效（{text[:120]}）" if text else FALLBACK
    return text
