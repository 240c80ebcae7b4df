"""One OpenAPI document for all services, merged from each service's own."""

from collections.abc import Mapping
from typing import Any

from services.common.jsonutil import dumps, loads


def merge_openapi(
    documents: Mapping[str, dict[str, Any]], *, title: str, version: str, description: str
) -> dict[str, Any]:
    """Merge the services' documents; a schema name used differently by two is prefixed."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": {},
        "components": {"schemas": {}},
        "tags": [],
    }
    schemas: dict[str, Any] = merged["components"]["schemas"]
    seen_tags: set[str] = set()
    for service, document in documents.items():
        renames: dict[str, str] = {}
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != schema:
                renames[name] = f"{service.capitalize()}{name}"
        source = _rename_refs(document, renames) if renames else document
        for name, schema in source.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(name, schema)
        for path, item in source.get("paths", {}).items():
            if path in {"/healthz", "/readyz"}:
                continue
            merged["paths"][path] = item
        for tag in source.get("tags", []):
            if tag["name"] not in seen_tags:
                seen_tags.add(tag["name"])
                merged["tags"].append(tag)
        for name, scheme in source.get("components", {}).get("securitySchemes", {}).items():
            merged["components"].setdefault("securitySchemes", {})[name] = scheme
    return merged


def _rename_refs(document: dict[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    text = dumps(document).decode()
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: dict[str, Any] = loads(text)
    schemas = renamed.get("components", {}).get("schemas", {})
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    return renamed
