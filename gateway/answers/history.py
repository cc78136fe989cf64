"""Answers of the past-year import (历年建议导入), built by services/suggestion/history.py."""
from datetime import datetime
from typing import Literal

from pydantic import Field, RootModel

from gateway.answers.common import Answer


class HistoryRowError(Answer):
    """One bad cell of the workbook."""
    sheet: str = Field(description="建议, 交办, 答复 or 评价")
    row: int = Field(description="the spreadsheet's row number (the headers are row 1)")
    field: str = Field(description="the column header, e.g. 提交日期")
    message: str


class HistoryCounts(Answer):
    suggestions: int
    assignments: int
    replies: int
    evaluations: int


class HistoryDryRunAnswer(Answer):
    """A dry run: every bad row, nothing written."""
    dry_run: Literal[True]
    valid: bool = Field(description="true when no row is bad: a real run would start")
    sha256: str
    counts: HistoryCounts
    errors: list[HistoryRowError]


class HistoryStepError(Answer):
    key: str = Field(description="the step, e.g. reply:12:7 (suggestion 12, unit 7)")
    message: str
    retrying: bool | None = None
    details: list[dict] | None = None


class HistoryImportAnswer(Answer):
    """A past year's import job and how far it has come."""
    id: int
    status: Literal["queued", "running", "done", "failed"]
    sha256: str = Field(description="the workbook's SHA-256: sending the same workbook again answers this job")
    filename: str | None
    counts: HistoryCounts
    total: int = Field(description="steps to enter: suggestions, assignments, signs, replies, ratings")
    done: int
    progress: float = Field(description="done / total")
    error: HistoryStepError | None = Field(description="the step that failed or waits for a service")
    attempts: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class HistoryStartAnswer(RootModel[HistoryDryRunAnswer | HistoryImportAnswer]):
    """POST /history/imports: a dry run's report (200), or the job (202)."""
