"""Dates of legal effect are calendar dates in China time."""

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in Asia/Shanghai (a document signed at 07:00 Beijing time is signed today)."""
    return dt.datetime.now(CHINA).date()
