"""Letter templates: plain UTF-8 text files, one line per paragraph, ``{{placeholder}}`` fields.

Markup at the start of a line (see ``default_templates/README.md`` for administrators):

``# 标题``      the title, centred and large
``^ 文字``      a centred line (the 文号)
``< 文字``      a paragraph without first-line indent (the salutation 张三：)
``> 文字``      a right-aligned line (the agency and the date)
``文字``        a body paragraph, first line indented by two characters
``?``           before any of the above: leave the paragraph out when a placeholder in it is
                empty (e.g. ``?> 联系方式：{{contact}}``)
``%``           a comment line; blank lines are ignored

The built-in templates live beside this module; an administrator's directory (settings)
may hold files of the same names that replace them. A template is checked when it is read:
an unknown placeholder, stray braces or a missing required placeholder refuse it.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from services.requests.letters.context import PLACEHOLDERS
from services.requests.letters.errors import LetterTemplateError
from services.requests.letters.kinds import TEMPLATE_NAMES

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
MAX_TEMPLATE_BYTES = 64 * 1024
SUFFIX = ".txt"
BUILTIN_PACKAGE = "services.requests.letters.default_templates"

ALWAYS_REQUIRED = ("agency_name", "tracking_number", "issued_on")
TO_APPLICANT_REQUIRED = ("applicant_name", "received_on", "legal_ground")
REQUIRED: dict[str, tuple[str, ...]] = {
    **{name: ALWAYS_REQUIRED + TO_APPLICANT_REQUIRED for name in TEMPLATE_NAMES},
    "clarification_notice": (
        *ALWAYS_REQUIRED,
        *TO_APPLICANT_REQUIRED,
        "clarification_items",
        "correction_due_on",
    ),
    "extension_notice": (*ALWAYS_REQUIRED, *TO_APPLICANT_REQUIRED, "extended_due_on"),
    "fee_notice": (*ALWAYS_REQUIRED, *TO_APPLICANT_REQUIRED, "fee_amount", "payment_due_on"),
    # addressed to the third party or agency, which has no need of the applicant's identity
    "consultation_letter": (
        *ALWAYS_REQUIRED,
        "legal_ground",
        "third_party_name",
        "consultation_due_on",
    ),
    "agency_consultation_letter": (
        *ALWAYS_REQUIRED,
        "legal_ground",
        "third_party_name",
        "consultation_due_on",
    ),
}


class BlockStyle(StrEnum):
    TITLE = "title"
    CENTERED = "centered"
    PLAIN = "plain"
    BODY = "body"
    RIGHT = "right"


MARKERS = {
    "#": BlockStyle.TITLE,
    "^": BlockStyle.CENTERED,
    "<": BlockStyle.PLAIN,
    ">": BlockStyle.RIGHT,
}


@dataclass(frozen=True)
class TemplateLine:
    """One paragraph of a template."""

    number: int  # line number in the file, for messages
    style: BlockStyle
    text: str
    optional: bool
    placeholders: frozenset[str]


@dataclass(frozen=True)
class LetterTemplate:
    name: str
    source: str  # "内置模板" or the override file's path
    lines: tuple[TemplateLine, ...]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset().union(*(line.placeholders for line in self.lines))


def parse_template(name: str, text: str, *, source: str = "提交的模板") -> LetterTemplate:
    """Parse and check one template; raise ``LetterTemplateError`` listing every problem."""
    if name not in TEMPLATE_NAMES:
        raise LetterTemplateError(
            f"没有名为“{name}”的文书模板；可用的模板：{'、'.join(TEMPLATE_NAMES)}"
        )
    problems: list[str] = []
    lines: list[TemplateLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _parse_line(number, raw.strip(), problems)
        if line is not None:
            lines.append(line)
    template = LetterTemplate(name=name, source=source, lines=tuple(lines))
    if not any(line.style is BlockStyle.TITLE for line in lines):
        problems.append("缺少标题行（以“# ”开头）")
    missing = [field for field in REQUIRED[name] if field not in template.placeholders]
    if missing:
        problems.append(
            "缺少必需的占位符："
            + "、".join(f"{{{{{field}}}}}（{PLACEHOLDERS[field]}）" for field in missing)
        )
    if problems:
        raise LetterTemplateError(f"文书模板“{name}”（{source}）不能使用：" + "；".join(problems))
    return template


def _parse_line(number: int, line: str, problems: list[str]) -> TemplateLine | None:
    if not line or line.startswith("%"):
        return None
    optional = line.startswith("?")
    if optional:
        line = line[1:].lstrip()
    style = MARKERS.get(line[:1], BlockStyle.BODY)
    if style is not BlockStyle.BODY:
        line = line[1:].lstrip()
    found = PLACEHOLDER.findall(line)
    unknown = [field for field in found if field not in PLACEHOLDERS]
    if unknown:
        problems.append(
            f"第 {number} 行有未知的占位符 "
            + "、".join(f"{{{{{field}}}}}" for field in unknown)
            + "；可用的占位符："
            + "、".join(PLACEHOLDERS)
        )
    leftover = PLACEHOLDER.sub("", line)
    if "{{" in leftover or "}}" in leftover:
        problems.append(f"第 {number} 行的花括号不成对，占位符应写成 {{{{名称}}}}")
    if optional and not found:
        problems.append(f"第 {number} 行标为可省略（?），但没有占位符")
    return TemplateLine(
        number=number,
        style=style,
        text=line,
        optional=optional,
        placeholders=frozenset(field for field in found if field in PLACEHOLDERS),
    )


class LetterTemplates:
    """The templates in force: an administrator's file of the same name wins over the built-in.

    Files are read on every use, so an edited template takes effect without a restart.
    """

    def __init__(self, override_dir: Path | None = None) -> None:
        self.override_dir = override_dir

    def get(self, name: str) -> LetterTemplate:
        if name not in TEMPLATE_NAMES:
            raise LetterTemplateError(f"没有名为“{name}”的文书模板")
        if self.override_dir is not None:
            path = self.override_dir / f"{name}{SUFFIX}"
            if path.is_file():
                return parse_template(name, _read(path), source=str(path))
        builtin = resources.files(BUILTIN_PACKAGE).joinpath(f"{name}{SUFFIX}")
        return parse_template(name, builtin.read_text(encoding="utf-8"), source="内置模板")

    def check(self) -> list[LetterTemplate]:
        """Read every template in force; raise one error naming every unusable file."""
        problems: list[str] = []
        templates: list[LetterTemplate] = []
        for name in TEMPLATE_NAMES:
            try:
                templates.append(self.get(name))
            except LetterTemplateError as error:
                problems.append(error.detail)
        if self.override_dir is not None and self.override_dir.is_dir():
            known = {f"{name}{SUFFIX}" for name in TEMPLATE_NAMES}
            problems.extend(
                f"模板目录中的 {path.name} 不是已知的模板名称，不会被使用"
                for path in sorted(self.override_dir.glob(f"*{SUFFIX}"))
                if path.name not in known
            )
        if problems:
            raise LetterTemplateError("\n".join(problems))
        return templates


def _read(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_TEMPLATE_BYTES:
        raise LetterTemplateError(
            f"模板文件 {path} 超过 {MAX_TEMPLATE_BYTES // 1024} KB，请精简后再使用"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LetterTemplateError(f"模板文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from error
