"""Who may call the documents routes: the access declarations every route module shares."""

from typing import Annotated

from services.common.auth import Principal, Role, public, requires

Writer = Annotated[
    Principal,
    requires(
        roles=[Role.EDITOR, Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN],
        scopes=["documents:write"],
    ),
]
Publisher = Annotated[
    Principal,
    requires(
        roles=[Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN],
        scopes=["documents:publish"],
        step_up=True,
    ),
]
Admin = Annotated[Principal, requires(roles=[Role.PLATFORM_ADMIN], scopes=["documents:manage"])]
Anyone = Annotated[Principal, public()]
