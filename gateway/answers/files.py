"""Answers about attached files (issue 15): a suggestion's photos and documents, a reply's 答复函."""
from datetime import datetime

from pydantic import Field

from gateway.answers.common import Answer, page_of

MEDIA = "told by the content: application/pdf, image/jpeg, image/png, or the DOCX/XLSX types"


class SuggestionAttachmentAnswer(Answer):
    """A file attached to a suggestion (GET /suggestions/{id}/attachments/{attachment_id} downloads it)."""
    id: int
    suggestion_id: int
    filename: str
    media_type: str = Field(description=MEDIA)
    size: int = Field(description="bytes")
    sha256: str = Field(description="hex digest of the content")
    uploaded_by: str | None
    uploaded_at: datetime


class ReplyAttachmentAnswer(Answer):
    """A file of a reply, e.g. the signed 答复函 (GET /assignments/{id}/attachments/{attachment_id})."""
    id: int
    assignment_id: int
    reply_id: int
    unit_id: int = Field(description="the unit that gave the reply")
    filename: str
    media_type: str = Field(description=MEDIA)
    size: int = Field(description="bytes")
    sha256: str = Field(description="hex digest of the content")
    uploaded_by: str | None
    uploaded_at: datetime


class ReplyAttachmentPage(page_of(ReplyAttachmentAnswer, "ReplyAttachmentPage")):
    """Every file of the assignment's replies, oldest first."""
