"""The composition root's list of services: their path prefixes, settings and factories."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.catalog.app import PEERS as CATALOG_PEERS
from services.catalog.app import create_app as create_catalog
from services.catalog.settings import CatalogSettings
from services.common.settings import ServiceSettings
from services.documents.app import PEERS as DOCUMENTS_PEERS
from services.documents.app import create_app as create_documents
from services.documents.settings import DocumentsSettings
from services.requests.app import PEERS as REQUESTS_PEERS
from services.requests.app import create_app as create_requests
from services.requests.settings import RequestsSettings


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    prefixes: tuple[str, ...]
    settings_class: type[ServiceSettings]
    factory: Callable[..., FastAPI]
    peers: tuple[str, ...]


# In dependency order: a service's peers come before it.
SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        "catalog",
        ("/api/v1/catalog", "/api/v1/open/exports/catalog", "/api/v1/open/dcat"),
        CatalogSettings,
        create_catalog,
        CATALOG_PEERS,
    ),
    ServiceEntry(
        "documents",
        ("/api/v1/documents", "/feeds", "/api/v1/open/exports/documents"),
        DocumentsSettings,
        create_documents,
        DOCUMENTS_PEERS,
    ),
    ServiceEntry(
        "requests", ("/api/v1/requests",), RequestsSettings, create_requests, REQUESTS_PEERS
    ),
)
BY_NAME = {entry.name: entry for entry in SERVICES}


def service_settings(
    overrides: Mapping[str, ServiceSettings] | None = None,
) -> dict[str, ServiceSettings]:
    """Each service's settings: the given ones, or read from the environment."""
    overrides = overrides or {}
    return {e.name: overrides.get(e.name) or e.settings_class() for e in SERVICES}


def build_service_apps(
    settings: Mapping[str, ServiceSettings], only: set[str] | None = None
) -> dict[str, FastAPI]:
    """The apps to run in this process; each gets in-process peers for those without a URL.

    Every app receives the same dict, filled as the apps are built: peers are looked up when
    the lifespans start, so two services may call each other.
    """
    apps: dict[str, ASGIApp] = {}
    built: dict[str, FastAPI] = {}
    for entry in SERVICES:
        if only is not None and entry.name not in only:
            continue
        built[entry.name] = entry.factory(settings[entry.name], peers=apps)
        apps[entry.name] = built[entry.name]
    return built
