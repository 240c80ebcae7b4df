"""Errors of the requests service that the common kernel does not define."""

from services.common.errors import GongkaiError


class PreconditionRequired(GongkaiError):
    status, code, title = 428, "precondition-required", "缺少 If-Match 请求头"


class PersonalDataPurged(GongkaiError):
    status, code, title = 410, "personal-data-purged", "个人信息已删除"
