"""Import outside a request (``gongkai import``, the demo): the services run in-process."""

import time
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack

from gateway.services import build_service_apps
from services.common.auth import Principal, Role
from services.common.db import Database
from services.common.settings import ServiceSettings
from services.documents.legacy import service
from services.documents.legacy.schemas import ImportFile, ImportRequest, ImportResponse


def loader_principal() -> Principal:
    """Whoever runs the command on the server acts as a platform administrator."""
    return Principal(
        subject="gongkai-cli",
        roles=frozenset({Role.PLATFORM_ADMIN}),
        scopes=frozenset({"documents:write", "documents:publish"}),
        acr="mfa",
        auth_time=int(time.time()),
    )


async def import_texts(
    settings: Mapping[str, ServiceSettings],
    files: Sequence[tuple[str, str]],
    *,
    publish: bool,
    dry_run: bool = False,
    type_code: str = "normative",
) -> ImportResponse:
    """Import ``(filename, text)`` pairs into the documents database of ``settings``."""
    # The composition root builds the apps, so documents reaches the catalog as it does online.
    apps = build_service_apps(settings, only={"catalog", "documents"})
    documents = apps["documents"]
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        database: Database = documents.state.db
        async with database.write_sessions() as session:
            result = await service.import_files(
                session,
                caller=loader_principal(),
                catalog=documents.state.peers["catalog"],
                data=ImportRequest(
                    files=[ImportFile(filename=n, text=t) for n, t in files],
                    publish=publish,
                    dry_run=dry_run,
                    type_code=type_code,
                ),
            )
            await session.commit()
    return result
