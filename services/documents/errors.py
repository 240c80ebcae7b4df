"""Errors of the documents service that the kernel does not define."""

from services.common.errors import GongkaiError


class PreconditionRequired(GongkaiError):
    """428: a write to a document must say which version it changes (``If-Match``)."""

    status, code, title = 428, "precondition-required", "缺少版本校验"
