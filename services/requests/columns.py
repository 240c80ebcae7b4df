"""Typed access to SQLModel columns for the pagination helpers."""

from typing import Any, cast

from sqlalchemy.orm import InstrumentedAttribute


def column(attribute: object) -> InstrumentedAttribute[Any]:
    """A model attribute as the column it is at class level (SQLModel types it as its value)."""
    return cast(InstrumentedAttribute[Any], attribute)
