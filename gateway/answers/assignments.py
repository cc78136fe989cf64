"""Answers of assignment (交办), handling (办) and supervision (督): services/assignment views and dicts."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer, SupervisionFilters, absent, page_of
from gateway.answers.files import ReplyAttachmentAnswer
from services.common.schemas import Kind
from services.assignment.schemas import ContactMethod, ContactStage, Mode, Role, UrgeMethod
from services.assignment.schemas import State as AssignmentState



class RoutingCandidate(Answer):
    unit_id: int
    unit_name: str | None
    score: float = Field(description="higher is better; candidates come best first")
    reasons: list[str] = Field(description="why this unit, in Chinese")


class RoutingAnswer(Answer):
    suggestion_id: int
    candidates: list[RoutingCandidate] = Field(description="lead units (主办), best first; units outside the "
                                                           "office's region (OFFICE_REGION) come after those in it")
    co_candidates: list[RoutingCandidate] = Field(default_factory=list,
                                                  description="likely co-units (会办) with the first candidate")


class AssignmentUnitState(Answer):
    """A unit on the assignment. A handling unit (role lead, or separate: each unit of a 分办
    assignment) has its own state, round, due date and reply; a co-unit's are null."""
    unit_id: int
    name: str | None
    role: Role = Field(description="lead (主办), co (会办), separate (分办: replies on its own part)")
    signed_at: datetime | None
    state: AssignmentState | None
    round: int | None
    due_at: datetime | None
    replied_at: datetime | None = Field(description="its reply's date in the current round (the real date)")
    closed_at: datetime | None
    overdue: bool = Field(description="this handling unit's reply is late")


class AssignmentAnswer(Answer):
    """An assignment: who handles it, who helps, by when, and where it stands."""
    id: int
    suggestion_id: int
    mode: Mode = Field(description="lead (主办: the lead unit replies) or separate (分办: every unit replies)")
    lead_unit_id: int | None = Field(description="null when separate")
    co_unit_ids: list[int]
    due_at: datetime = Field(description="the earliest due date of the handling units still owing a reply")
    state: AssignmentState = Field(description="lead mode: the lead unit's; separate: a summary of the units' "
                                               "(docs/assignment.md, 分办)")
    round: int = Field(description="1, then 2 after a dissatisfied rating reopens it (rehandling)")
    overdue: bool = Field(description="no reply in this round and the due date has passed")
    supervised: bool = Field(description="under key supervision (重点督办)")
    created_at: datetime
    assigned_at: datetime = Field(description="the real date of 交办 (given by the office, else when recorded)")
    units: list[AssignmentUnitState] = Field(description="the lead unit first, then by unit id")
    number: str | None = Field(None, description="the suggestion's number label (in lists and the detail)")
    title: str | None = Field(None, description="the suggestion's title (in lists and the detail)")


class AssignmentFilters(SupervisionFilters):
    """The filters applied: a unit caller always gets its own unit_id."""
    state: str = absent()
    unit_id: int = absent()
    overdue: bool = absent()
    session: str = absent()
    kind: Kind = absent()
    due_within: int = absent()
    disputed: bool = absent()
    extension_pending: bool = absent()
    role: Role = absent()
    sort: Literal["-id", "due_at", "-due_at"] = absent()


class AssignmentPage(page_of(AssignmentAnswer, "AssignmentPage")):
    filters: AssignmentFilters


class AssignmentUnitPlace(AssignmentUnitState):
    """A unit on the assignment, its sign and dispute state."""
    unit_name: str | None
    is_lead: bool
    signed: bool
    disputed: bool = Field(description="the unit has an open dispute (申请退回)")


class UnitReplyAnswer(Answer):
    """A handling unit's reply (答复), or a follow-up reply on a B-class item (跟踪办理)."""
    id: int
    assignment_id: int
    unit_id: int = Field(description="the replying unit: the lead, or one unit of a separate assignment")
    round: int
    # configurable (RESULT_CLASSES in config.yml: A-D, 甲乙丙 ...), so not an enum
    result_class: str = Field(description="one of the configured result classes (A/B/C by default)")
    content: str
    signed_by: str
    on_time: bool = Field(description="given by that unit's due date")
    at: datetime = Field(description="the reply's date (the real date, if the office recorded one)")
    contact_before: bool = Field(description="the unit met the deputy before replying")
    follow_up_of: int | None = Field(description="the reply this one follows up; null for a reply")
    attachments: list[ReplyAttachmentAnswer] = Field(
        default_factory=list, description="its files, e.g. the signed 答复函 (in GET /assignments/{id})")


class ContactAnswer(Answer):
    """A contact with the deputy (三见面)."""
    id: int
    unit_id: int
    stage: ContactStage
    method: ContactMethod
    note: str
    at: datetime


class CoOpinionAnswer(Answer):
    """A co-unit's opinion for the lead unit (会办意见)."""
    id: int
    unit_id: int
    round: int
    content: str
    on_time: bool
    at: datetime


class UrgingAnswer(Answer):
    """An urging (督办) of one unit by phone or by letter (督办函, its text as sent, addressed to it)."""
    id: int
    unit_id: int | None = Field(description="the unit urged (null in urgings recorded before it was kept)")
    unit_name: str | None
    method: UrgeMethod
    note: str | None
    days_late: int
    letter: str | None = Field(description="the letter's text; null for a phone call")
    actor: str | None
    at: datetime


class UrgeAnswer(UrgingAnswer):
    """The urging recorded; a separate assignment's default urges every unit still handling."""
    others: list[int] = Field(description="ids of the urgings recorded at once for the other units "
                                          "(empty when one unit was urged)")


class ExtensionAnswer(Answer):
    """The lead unit's request for more days and the office's decision."""
    id: int
    unit_id: int
    days: int
    reason: str
    status: Literal["pending", "approved", "refused"]
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    previous_due_at: datetime | None
    new_due_at: datetime | None


class DisputeAnswer(Answer):
    """A unit says the assignment is not its duty (申请退回); a reroute resolves it."""
    id: int
    unit_id: int
    reason: str
    at: datetime
    resolved_at: datetime | None


class AssignmentReroute(Answer):
    """One reroute (改办): the units before and after."""
    id: int
    previous_lead_unit_id: int | None
    previous_co_unit_ids: list[int]
    lead_unit_id: int | None
    co_unit_ids: list[int]
    previous_unit_ids: list[int] = Field(description="a separate assignment's units before (else empty)")
    unit_ids: list[int] = Field(description="a separate assignment's units after (else empty)")
    reason: str | None
    actor: str | None
    at: datetime


class SupervisingLeader(Answer):
    sub: str = Field(description="the leader's token sub (a person)")
    name: str | None = Field(description="a display name, if given")


class SupervisionAnswer(Answer):
    """Key supervision (重点督办) of a suggestion by named leaders and/or a special committee."""
    assignment_id: int
    suggestion_id: int
    leader: str | None = Field(description="the first leader's sub; null when a committee alone supervises")
    leaders: list[SupervisingLeader]
    committee: str | None
    reason: str
    actor: str | None
    at: datetime


class LeadDeputyContact(Answer):
    """The lead deputy's contact details as the roster (the station service) has them, for 面商:
    shown to the office, leaders, admins and the units on the assignment (while they are on it)."""
    id: int
    name: str | None
    phone: str | None
    email: str | None
    level: str | None
    delegation: str | None
    active: bool | None
    known: bool = Field(description="false while the roster has not yet told this service of the deputy "
                                    "(then only the id is given)")


class AssignmentDetailAnswer(AssignmentAnswer):
    """One assignment with its suggestion, units, and everything done on it, oldest first."""
    number: str | None = Field(description="the suggestion's number label, e.g. 第0001号")
    title: str | None
    category: str | None
    lead_unit_name: str | None
    units: list[AssignmentUnitPlace] = Field(description="the lead unit first, then by unit id")
    replies: list[UnitReplyAnswer]
    contacts: list[ContactAnswer]
    opinions: list[CoOpinionAnswer]
    urgings: list[UrgingAnswer]
    extensions: list[ExtensionAnswer]
    disputes: list[DisputeAnswer]
    reroutes: list[AssignmentReroute]
    supervision: SupervisionAnswer | None
    no_contact_before: bool = Field(description="a reply was given without meeting the deputy first")
    routed_at: datetime = Field(description="when the current units got it (assignment or latest reroute)")
    dispute_until: datetime
    co_opinion_due_at: datetime
    days_late: int
    lead_deputy: LeadDeputyContact | None = Field(
        None, description="the suggestion's lead deputy and how to reach them (面商); null if unknown")


class UrgingLetterAnswer(Answer):
    """A preview of the urging letter (督办函) to a unit as it would be sent now."""
    assignment_id: int
    unit_id: int
    letter: str
