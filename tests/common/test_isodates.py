"""Query dates are ISO 8601 text; a number is refused instead of being read as 1970 (fuzz find)."""

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from services.common.isodates import IsoDate, IsoDateTime


@pytest.mark.parametrize("value", ["0", "0.5", "1700000000", " 12 ", 0, 1.5, "1e3"])
def test_numbers_are_not_dates(value: object) -> None:
    for kind in (IsoDate, IsoDateTime):
        with pytest.raises(ValidationError, match="ISO 8601"):
            TypeAdapter(kind).validate_python(value)


def test_iso_text_is_read() -> None:
    assert TypeAdapter(IsoDate).validate_python("2024-05-01") == dt.date(2024, 5, 1)
    moment = TypeAdapter(IsoDateTime).validate_python("2024-05-01T08:00:00Z")
    assert moment == dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC)
