"""The services' route table as the gateway sees it: templates, methods and declared access.

Built from each service's OpenAPI document (``x-gongkai-access``), so it works the same for
in-process and proxied services. It names the metric label of a request (its template, never
the raw path) and lets the gateway refuse undeclared routes before any service is called.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.common.jsonutil import loads

_PARAM = re.compile(r"\{([^}:]+)(?::path)?\}")


@dataclass(frozen=True)
class RouteEntry:
    template: str
    pattern: re.Pattern[str]
    access: Mapping[str, dict[str, Any]]  # method → x-gongkai-access


class RouteTable:
    def __init__(self) -> None:
        self.entries: list[RouteEntry] = []
        self.loaded: set[str] = set()
        self._literal: dict[str, RouteEntry] = {}
        # Templates with parameters by their number of segments (a parameter spans one).
        self._by_depth: dict[int, list[RouteEntry]] = {}

    def add_document(self, service: str, body: bytes) -> None:
        document = loads(body)
        for template, item in document.get("paths", {}).items():
            access = {
                method.upper(): operation.get("x-gongkai-access", {})
                for method, operation in item.items()
                if isinstance(operation, dict) and "responses" in operation
            }
            self.entries.append(RouteEntry(template, _compile(template), access))
        # Literal segments before parameters: /documents/search before /documents/{id}.
        self.entries.sort(key=lambda e: (e.template.count("{"), -len(e.template)))
        self._literal = {e.template: e for e in reversed(self.entries) if "{" not in e.template}
        self._by_depth = {}
        for entry in self.entries:
            if "{" in entry.template:
                self._by_depth.setdefault(entry.template.count("/"), []).append(entry)
        self.loaded.add(service)

    def match(self, path: str) -> RouteEntry | None:
        literal = self._literal.get(path)
        if literal is not None:
            return literal
        for entry in self._by_depth.get(path.count("/"), ()):
            if entry.pattern.fullmatch(path):
                return entry
        return None


def _compile(template: str) -> re.Pattern[str]:
    parts = []
    last = 0
    for m in _PARAM.finditer(template):
        parts.append(re.escape(template[last : m.start()]))
        parts.append("[^/]+")
        last = m.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))
