"""The composition root's list of services: their path prefixes, settings and factories."""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.catalog.settings import CatalogSettings
from services.common.settings import ServiceSettings
from services.documents.settings import DocumentsSettings
from services.requests.settings import RequestsSettings


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    prefixes: tuple[str, ...]
    settings_class: type[ServiceSettings]

    def _app_module(self) -> Any:
        # Imported on first use: what needs only settings (most commands) skips every app.
        return importlib.import_module(f"services.{self.name}.app")

    def factory(self, settings: ServiceSettings, **kwargs: Any) -> FastAPI:
        create: Callable[..., FastAPI] = self._app_module().create_app
        return create(settings, **kwargs)

    @property
    def peers(self) -> tuple[str, ...]:
        """The services this one calls (``PEERS`` in its app module)."""
        return tuple(self._app_module().PEERS)


# In dependency order: a service's peers come before it.
SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        "catalog",
        ("/api/v1/catalog", "/api/v1/open/exports/catalog", "/api/v1/open/dcat"),
        CatalogSettings,
    ),
    ServiceEntry(
        "documents",
        ("/api/v1/documents", "/feeds", "/api/v1/open/exports/documents"),
        DocumentsSettings,
    ),
    ServiceEntry("requests", ("/api/v1/requests",), RequestsSettings),
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
