"""Errors of letter generation, as problem+json with a Chinese message."""

from services.common.errors import Unprocessable


class LetterTemplateError(Unprocessable):
    """A template cannot be used: unknown placeholders, bad markup, missing required parts."""

    code = "letter-template-invalid"
    title = "文书模板有误"


class LetterContextError(Unprocessable):
    """The request lacks what the letter's template needs (e.g. the correction deadline)."""

    code = "letter-context-incomplete"
    title = "生成文书所需的信息不完整"
