"""Past-year import (历年建议导入): the office uploads a year's workbook; the suggestion service
checks it and enters it as a job (services/suggestion/history.py)."""
from pydantic import Field

from gateway.answers.history import HistoryImportAnswer, HistoryStartAnswer
from gateway.errors import ApiError
from gateway.files import read_upload
from gateway.guards import UPLOAD_MAX_BYTES
from gateway.http import api
from gateway.queries import Query
from gateway.routes.base import Proxies

MAX_WORKBOOK_BYTES = UPLOAD_MAX_BYTES  # the gateway's limit of an upload
CHECK_TIMEOUT = 60  # reading and checking a national congress's year of rows
TAGS = ("history",)


class HistoryImportQuery(Query):
    dry_run: bool = Field(False, description="true: check every row and answer the bad ones; write nothing")


class HistoryRoutes(Proxies):

    @api("POST", "/api/v1/history/imports", roles=("office",), upload=True, query=HistoryImportQuery,
         status=(200, 202), answer=HistoryStartAnswer, tags=TAGS)
    def start_history_import(self, request):
        """Import a past year from the office's workbook (.xlsx, multipart field `file`).

        Sheets 建议, 交办, 答复, 评价 with the documented Chinese headers. `dry_run=true`: 200 with
        every bad row as {sheet, row, field, message}, nothing written. Otherwise a bad row is a 422
        listing them all; a good workbook is a 202 job entered in the background (GET its `id` for
        progress). Sending the same workbook again answers the same job (resumed if it failed)."""
        if request.content_length and request.content_length > MAX_WORKBOOK_BYTES:
            raise ApiError(413, "too_large", f"the workbook may be at most {MAX_WORKBOOK_BYTES // 1024 // 1024} MB")
        filename, encoded = read_upload(request, MAX_WORKBOOK_BYTES)
        dry_run = bool(request.query.get("dry_run", False))
        answer = self.call(self.suggestion.start_history_import, request.actor, filename, encoded, dry_run,
                           timeout=CHECK_TIMEOUT)
        return (200, answer) if dry_run else (202, answer)

    @api("GET", "/api/v1/history/imports/<int:import_id>", roles=("office",), answer=HistoryImportAnswer,
         tags=TAGS)
    def history_import(self, request, import_id):
        """A past-year import job: status (queued, running, done, failed), steps done of total, the
        step that failed."""
        return self.call(self.suggestion.history_import, request.actor, import_id)
