"""Bodies of Excel imports: what was done, or what could not be read, row by row."""

from pydantic import BaseModel, Field


class RowProblem(BaseModel):
    sheet: str = Field(description="工作表名称（领域）")
    row: int | None = Field(description="行号（与 Excel 中显示的一致）；表头问题为空")
    column: str | None = Field(description="栏目名称")
    message: str

    def describe(self) -> str:
        where = f"工作表「{self.sheet}」"
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}"


class ImportResult(BaseModel):
    sheets: list[str] = Field(description="导入的工作表（领域）")
    created: int
    updated: int
    deleted: int
    unchanged: int
