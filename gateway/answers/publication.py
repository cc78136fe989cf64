"""Answer of GET /suggestions/{id}/publication: what publishing would show, for the office to review.

Built by services/suggestion (publication.py, masking rules in redaction.py).
"""
from datetime import datetime
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer

RedactionKind = Literal["id_card", "bank_card", "mobile", "landline", "email", "address"]


class Redaction(Answer):
    """One masked span of the original text."""
    kind: RedactionKind
    start: int = Field(description="where it starts in original (characters)")
    end: int = Field(description="where it ends in original (exclusive)")
    original: str
    masked: str = Field(description="what the public text shows instead, e.g. 138****5678")


class PublicationPart(Answer):
    """One text (title, body, or a reply's content) in its three states."""
    original: str | None = Field(description="as written (staff only)")
    text: str | None = Field(description="as publishing would show it with redact: true")
    published: str | None = Field(description="what the public site shows now; null while not public")
    redactions: list[Redaction]


class PublicationReply(PublicationPart):
    id: int = Field(description="the reply's id, for texts.replies of POST /suggestions/{id}/publish")
    unit_name: str | None
    result_class: str
    round: int
    at: datetime


class PublicationAnswer(Answer):
    """A suggestion's texts as they would be published, with every masked span listed."""
    suggestion_id: int
    public: bool
    published_at: datetime | None
    title: PublicationPart
    body: PublicationPart
    replies: list[PublicationReply]
