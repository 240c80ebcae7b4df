"""Channels of a request and the day it counts as received (条例 Art. 31).

Arrival and confirmation are recorded separately; the receipt date is derived from them:
in person, the day it is handed in; registered post, the day the agency signs for it;
ordinary letters, the day the office confirms it with the applicant; online and fax, the day
both sides confirm it. Until a required confirmation is recorded the clock has not started.
"""

import datetime as dt
from enum import StrEnum


class Channel(StrEnum):
    """申请渠道."""

    ONLINE = "online"
    IN_PERSON = "in_person"
    REGISTERED_POST = "registered_post"
    ORDINARY_POST = "ordinary_post"
    FAX = "fax"


CHANNEL_LABELS = {
    Channel.ONLINE: "互联网渠道",
    Channel.IN_PERSON: "当面提交",
    Channel.REGISTERED_POST: "邮寄（需签收）",
    Channel.ORDINARY_POST: "平常信函（无需签收）",
    Channel.FAX: "传真",
}

# Channels whose receipt date is the confirmation with the applicant, not the arrival.
NEEDS_CONFIRMATION = frozenset({Channel.ONLINE, Channel.ORDINARY_POST, Channel.FAX})

RECEIPT_RULES = {
    Channel.IN_PERSON: "当面提交的，以提交之日为收到申请之日",
    Channel.REGISTERED_POST: "以邮寄方式提交的，以行政机关签收之日为收到申请之日",
    Channel.ORDINARY_POST: "以平常信函等无需签收的方式提交的，以与申请人确认之日为收到申请之日",
    Channel.ONLINE: "通过互联网渠道提交的，以双方确认之日为收到申请之日",
    Channel.FAX: "通过传真提交的，以双方确认之日为收到申请之日",
}


def receipt_date(
    channel: Channel, *, arrived_on: dt.date, confirmed_on: dt.date | None
) -> dt.date | None:
    """The day the request counts as received, or None while a confirmation is outstanding."""
    if channel in NEEDS_CONFIRMATION:
        return confirmed_on
    return arrived_on


def confirmation_problem(arrived_on: dt.date, confirmed_on: dt.date | None) -> str | None:
    """Why a confirmation date is impossible, in Chinese; None when it is fine."""
    if confirmed_on is not None and confirmed_on < arrived_on:
        return "确认日期不能早于申请到达日期"
    return None
