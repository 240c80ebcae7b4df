"""A template filled with a request's context: the letter as styled paragraphs of text."""

from dataclasses import dataclass

from services.requests.letters.context import PLACEHOLDERS, LetterContext
from services.requests.letters.errors import LetterContextError
from services.requests.letters.kinds import (
    LETTER_KIND_LABELS,
    LetterKind,
    default_legal_ground,
    template_name,
)
from services.requests.letters.templates import (
    PLACEHOLDER,
    BlockStyle,
    LetterTemplate,
    LetterTemplates,
)


@dataclass(frozen=True)
class Block:
    style: BlockStyle
    text: str


@dataclass(frozen=True)
class Letter:
    """A composed letter, ready to be rendered as DOCX or PDF."""

    kind: LetterKind
    title: str
    tracking_number: str
    blocks: tuple[Block, ...]

    @property
    def file_stem(self) -> str:
        """A download name: 政府信息公开申请答复书-<申请编号>."""
        safe = "".join(c for c in self.tracking_number if c.isalnum() or c in "-_")
        return f"{self.title}-{safe}" if safe else self.title

    def plain_text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


def compose_letter(context: LetterContext, templates: LetterTemplates | None = None) -> Letter:
    """Fill the template of ``context``'s letter; ``LetterContextError`` if data is missing."""
    templates = templates or LetterTemplates()
    template = templates.get(template_name(context.kind, context.reply_type))
    legal_ground = context.legal_ground or default_legal_ground(
        context.kind, context.reply_type, context.refusal_ground
    )
    return fill_template(template, context, legal_ground=legal_ground)


def fill_template(template: LetterTemplate, context: LetterContext, *, legal_ground: str) -> Letter:
    values = context.values(legal_ground)
    blocks: list[Block] = []
    missing: set[str] = set()
    for line in template.lines:
        empty = {field for field in line.placeholders if not values[field]}
        if empty:
            if not line.optional:
                missing |= empty
            continue
        # one pass, so text inside a value is never read as a placeholder
        text = PLACEHOLDER.sub(lambda match: values[match.group(1)], line.text)
        # a value's line breaks start new paragraphs of the same style (each indented)
        blocks.extend(Block(line.style, part) for part in text.split("\n") if part.strip())
    if missing:
        names = "、".join(f"{PLACEHOLDERS[field]}（{field}）" for field in sorted(missing))
        raise LetterContextError(f"生成“{template.name}”文书还需要填写：{names}")
    title = next(
        (block.text for block in blocks if block.style is BlockStyle.TITLE),
        LETTER_KIND_LABELS[context.kind],
    )
    return Letter(
        kind=context.kind,
        title=title,
        tracking_number=context.tracking_number,
        blocks=tuple(blocks),
    )
