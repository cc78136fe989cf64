"""Answers of the suggestion service (提): a suggestion, its detail, lists, disclosure, import.

Built by services/suggestion (views.py, batch.py). The category is a code of the configurable
taxonomy (GET /api/v1/categories), so it is a string, not an enum.
"""
from datetime import date, datetime

from pydantic import Field

from gateway.answers.common import Answer, ErrorDetail, absent, page_of
from gateway.answers.files import SuggestionAttachmentAnswer
from services.suggestion.schemas import Kind, PublicStatus, Source, Status

NUMBER = ("the number label in its session's series, e.g. 第0001号 (or 闭会第0001号 where session and recess "
          "suggestions are numbered apart); null for a draft")


class SuggestionAssignmentSummary(Answer):
    """The current assignment, as the suggestion service has heard of it from assignment events."""
    assignment_id: int | None
    lead_unit_id: int | None
    lead_unit_name: str | None
    co_unit_ids: list[int] | None
    due_at: datetime | None
    mode: str = absent("lead (主办) or separate (分办); absent in assignments heard of before issue 15")
    handling_unit_ids: list[int] = absent("the units that reply: the lead, or every unit of a separate one")


class SuggestionAnswer(Answer):
    """A suggestion (代表建议) as lists and every command answer it."""
    id: int
    number: str | None = Field(description=NUMBER)
    seq: int | None = Field(description="the number as an integer; null for a draft")
    session: str
    title: str
    body: str
    category: str = Field(description="a category code (GET /api/v1/categories)")
    category_name: str | None = Field(description="the category's name; null if the code left the taxonomy")
    kind: Kind
    source: Source
    lead_deputy_id: int
    co_signer_ids: list[int]
    status: Status
    public: bool = Field(description="shown on the public site now: published, not withdrawn, not past public_until")
    return_reason: str | None
    withdraw_reason: str | None
    conversion_reason: str | None = Field(None, description="why screening converted it (converted_letter: "
                                                            "转为代表来信, converted_reference: 转作参考材料)")
    merged_into_id: int | None
    station_opinion_id: int | None = Field(description="the station opinion this suggestion came from")
    assignment: SuggestionAssignmentSummary | None
    due_at: datetime | None = Field(description="when the lead unit's reply is due")
    overdue: bool
    created_at: datetime
    submitted_at: datetime | None
    accepted_at: datetime | None = Field(None, description="when it was accepted (立案): the real date the "
                                                           "office recorded, else the screening's time")
    published_at: datetime | None
    public_until: date | None = Field(None, description="the disclosure's last day (the office's local day); "
                                                        "null: no end")
    unpublished_at: datetime | None = Field(None, description="when the disclosure was last withdrawn (撤回公开)")
    unpublished_by: str | None = Field(None, description="who withdrew it")
    unpublish_reason: str | None = Field(None, description="why it was withdrawn")


class SuggestionFilters(Answer):
    """The filters applied (those given; none is ever ignored)."""
    status: str = absent()
    category: str = absent()
    session: str = absent()
    kind: Kind = absent()
    q: str = absent()
    unit_id: int = absent()
    deputy_id: int = absent()
    overdue: bool = absent()
    public: bool = absent()
    sort: str = absent()


class SuggestionPage(page_of(SuggestionAnswer, "SuggestionAnswerPage")):
    """Suggestions, newest first unless sorted otherwise."""
    filters: SuggestionFilters
    total_exact: bool = Field(description="false when total is an estimate: above 1,000 matches the planner's estimate is given instead of a count (docs/api.md)")


class SuggestionTimelineStep(Answer):
    """One step of a suggestion's life (submitted, accepted, assigned, signed, replied, evaluated...)."""
    type: str = Field(description="the step: a suggestion status or the assignment/evaluation event's name")
    at: datetime
    actor: str | None
    note: str | None


class SuggestionReply(Answer):
    """A unit's reply, as disclosed with the suggestion."""
    unit_name: str | None
    result_class: str = Field(description="the reply's result class (configurable: A, B, C by default)")
    round: int = Field(description="1, or 2 and more after rehandling")
    content: str | None
    at: datetime


class SimilarSuggestion(Answer):
    """A suggestion of the same session whose title looks alike (the hint shown at screening)."""
    id: int
    number: str | None
    title: str
    status: Status
    similarity: float = Field(ge=0, le=1)


class SuggestionDetailAnswer(SuggestionAnswer):
    """One suggestion with its timeline, replies and people."""
    timeline: list[SuggestionTimelineStep]
    replies: list[SuggestionReply]
    merged_from_ids: list[int] = Field(description="suggestions merged into this one")
    lead_deputy_name: str | None
    co_signer_names: list[str | None]
    similar: list[SimilarSuggestion] = Field(
        default_factory=list, description="only for office, leader and admin, while the suggestion is submitted")
    attachments: list[SuggestionAttachmentAnswer] = Field(
        default_factory=list, description="photos and documents; empty for who sees it only as published")


class PublicSuggestionAnswer(Answer):
    """A published suggestion as the public site shows it: no contact data, no internal notes."""
    id: int
    number: str = Field(description="the session's number label, e.g. 第0001号")
    session: str
    title: str
    body: str
    category: str
    category_name: str | None
    kind: Kind
    status: PublicStatus
    lead_deputy_name: str | None
    published_at: datetime
    public_until: date | None = Field(None, description="the last day it is shown; null: no end")
    replies: list[SuggestionReply]


class PublicSuggestionPage(page_of(PublicSuggestionAnswer, "PublicSuggestionAnswerPage")):
    """Published suggestions, newest first."""
    total_exact: bool = Field(description="false when total is an estimate: above 1,000 matches the planner's estimate is given instead of a count (docs/api.md)")


class ScreeningStatsAnswer(Answer):
    """Screening (筛选把关) by outcome: submitted suggestions (drafts left out) of the filters given."""
    total: int = Field(description="suggestions submitted (not drafts)")
    pending: int = Field(description="submitted, not yet screened")
    screened: int = Field(description="accepted + returned + merged + converted_letter + converted_reference")
    accepted: int = Field(description="立案: accepted, wherever their handling now is")
    returned: int = Field(description="退回")
    merged: int = Field(description="并案 (merged into another)")
    converted_letter: int = Field(description="转为代表来信")
    converted_reference: int = Field(description="转作参考材料")
    withdrawn: int = Field(description="withdrawn by the deputy")
    filters: dict = Field(default_factory=dict, description="the filters applied")


class SuggestionImportedRow(Answer):
    row: int = Field(description="the spreadsheet row (the header is row 1)")
    id: int
    number: str = Field(description="the number the imported suggestion got, e.g. 第0001号")


class SuggestionRejectedRow(Answer):
    row: int = Field(description="the spreadsheet row (the header is row 1)")
    errors: list[ErrorDetail]


class SuggestionImportAnswer(Answer):
    """What a batch import did: each row is imported or rejected on its own."""
    imported: int
    items: list[SuggestionImportedRow]
    rejected: list[SuggestionRejectedRow]
