"""The PII-01 response check itself: it finds clear ID and mobile numbers, and only those."""

from tests.support.pii import personal_values
from tests.support.requests import APPLICANT_ID, APPLICANT_PHONE


def test_clear_values_are_found_wherever_they_are() -> None:
    """PII-01."""
    body = {
        "applicant": {"id_number": APPLICANT_ID, "phone": APPLICANT_PHONE},
        "events": [{"reason": f"申请人身份证号 {APPLICANT_ID.lower()} 已核对"}],
        "contact": "+86 " + APPLICANT_PHONE,
    }
    assert personal_values(body) == [
        ".applicant.id_number: id number",
        ".applicant.phone: mobile",
        ".events[0].reason: id number",
        ".contact: mobile",
    ]


def test_masked_values_and_look_alikes_pass() -> None:
    body = {
        "id_number": APPLICANT_ID[:4] + "*" * 10 + APPLICANT_ID[-4:],
        "phone": "138****5678",
        "tracking_number": "20250303-ABCDEF",
        "hash": "a" + "1" * 40,
        # 18 digits with a wrong check character are not an ID number.
        "bad": APPLICANT_ID[:17] + ("0" if APPLICANT_ID[17] != "0" else "1"),
        "landline": "0936-8210000",
        "count": 13812345678,
    }
    assert personal_values(body) == []
