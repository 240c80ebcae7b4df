"""Loading a holiday notice from a file (the ``gongkai load-holidays`` command)."""

from pathlib import Path

from pydantic import ValidationError

from services.common.db import Database
from services.requests.applications import clock
from services.requests.holidays import service
from services.requests.holidays.schemas import HolidayNoticeIn
from services.requests.settings import RequestsSettings


class NoticeFileError(ValueError):
    """The file is not a notice; the message says why, in Chinese."""


def read_notice(path: Path) -> HolidayNoticeIn:
    try:
        return HolidayNoticeIn.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise NoticeFileError(f"无法读取 {path}：{exc.strerror}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NoticeFileError(f"{path} 格式不正确（{where}）：{first['msg']}") from None


async def load_file(settings: RequestsSettings, *, year: int, path: Path, loaded_by: str) -> int:
    """Store the notice of ``year`` from ``path``, recompute open deadlines, return their count."""
    data = read_notice(path)
    database = Database(settings.database_url)
    try:
        async with database.write_sessions() as session:
            await service.load(session, year=year, data=data, loaded_by=loaded_by)
            count = await clock.recompute_open(
                session, calendar=await service.calendar(session), rules=settings.clock_rules
            )
            await session.commit()
    finally:
        await database.dispose()
    return count
