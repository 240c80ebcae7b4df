"""Request and response bodies of divisions."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from services.catalog.divisions.models import DivisionLevel


def validate_division_code(value: str) -> str:
    if not (value.isascii() and value.isdigit() and len(value) in (6, 9, 12)):
        raise ValueError("行政区划代码应为 6 位、9 位或 12 位数字，如 620700")
    return value


DivisionCode = Annotated[
    str,
    AfterValidator(validate_division_code),
    Field(
        max_length=12,
        description="行政区划代码：6 位（GB/T 2260）、9 位或 12 位（乡级、村级统计用区划代码）",
        examples=["620700"],
    ),
]
DeadlineDays = Annotated[
    int, Field(ge=1, le=60, description="主动公开期限（工作日）；不填则沿用上级设置")
]


class DivisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: DivisionCode
    name: str = Field(min_length=1, max_length=100, description="名称，如 张掖市")
    level: DivisionLevel | None = Field(None, description="层级；不填则由代码推出")
    parent_code: DivisionCode | None = Field(None, description="上级区划代码；不填则由代码推出")
    publication_deadline_days: DeadlineDays | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("名称不能为空")
        return value


class DivisionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    publication_deadline_days: DeadlineDays | None = None


class DivisionLinks(BaseModel):
    """Public browsing: division → agency → domain → item."""

    children: str = Field(description="下级区划")
    agencies: str = Field(description="本区划的机关")
    items: str = Field(description="本区划及下级各机关当前发布的目录事项")


class DivisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: DivisionLevel
    level_label: str
    parent_code: str | None
    publication_deadline_days: int | None = Field(
        description="本区划自身的设置；机关的实际期限见机关的 publication_deadline_days"
    )
    links: DivisionLinks


class DivisionList(BaseModel):
    items: list[DivisionRead]
    next_cursor: str | None = None
    next: str | None = None


class DivisionImport(BaseModel):
    """A batch of divisions to create or update, parents before or after their children."""

    model_config = ConfigDict(extra="forbid")

    divisions: list[DivisionCreate] = Field(min_length=1, max_length=5000)


class DivisionImportResult(BaseModel):
    created: int
    updated: int
