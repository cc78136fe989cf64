"""The events the assignment service publishes (routing key assignment.<name>).

Every assignment.* event but unit_registered carries the assignment's common facts
(``AssignmentEvent``, built by store.event_payload) plus what its step adds.

分办 (issue 15): ``mode`` and ``handling_unit_ids`` (the units that reply: the lead, or every unit
of a separate assignment). A per-unit event (signed, contact_added, replied, followed_up,
rehandling_opened, closed, due_soon, overdue, urged, extension_requested/decided) names the
handling unit concerned in ``unit_id`` (None in events from before: the lead) and gives that
unit's own ``round``, ``state`` and ``due_at`` in the common fields.
"""
from services.common.events import Event, Timestamp


class UnitRegistered(Event):
    event_type = "assignment.unit_registered"

    id: int
    name: str
    code: str
    duties: str
    keywords: list[str]
    categories: list[str]
    email: str | None
    webhook_url: str | None
    kind: str | None = None      # issue 18: unit_kinds code
    level: str | None = None
    region: str | None = None


class UnitUpdated(UnitRegistered):
    """The office corrected a unit (PATCH /units/{id}): the unit as it now is."""
    event_type = "assignment.unit_updated"


class AssignmentEvent(Event):
    """The assignment as it stands after the step (also the RPC answer of get_for_evaluation)."""
    assignment_id: int
    suggestion_id: int
    state: str
    round: int
    lead_unit_id: int | None  # None when separate
    lead_unit_name: str | None
    co_unit_ids: list[int]
    due_at: Timestamp
    # the suggestion's facts, None while its accepted event has not reached this service
    number: str | None  # the suggestion's label, 第0001号
    title: str | None
    session: str | None
    category: str | None
    lead_deputy_id: int | None
    co_signer_ids: list[int]
    actor: str | None = None
    note: str | None = None
    mode: str = "lead"
    handling_unit_ids: list[int] = []  # empty in events from before: the lead unit
    handling_unit_names: list[str] = []
    unit_id: int | None = None  # the handling unit a per-unit event concerns (None: the lead)
    unit_name: str | None = None
    on_behalf: bool = False  # the office recorded the unit's step (paper work, a past year)
    assignment_state: str | None = None  # the assignment's own (summary) state; ``state`` is the unit's
    assignment_due_at: Timestamp | None = None  # the assignment's own (summary) due date

    @property
    def label(self) -> str | None:
        return self.number


class Assigned(AssignmentEvent):
    event_type = "assignment.assigned"
    assigned_at: Timestamp | None = None  # the real date of 交办 (None in events from before: occurred_at)


class Signed(AssignmentEvent):
    event_type = "assignment.signed"
    unit_id: int | None = None
    is_lead: bool
    signed_at: Timestamp | None = None  # the real date of signing (None in events from before: occurred_at)


class Disputed(AssignmentEvent):
    event_type = "assignment.disputed"
    unit_id: int
    unit_name: str
    reason: str
    dispute_id: int


class Rerouted(AssignmentEvent):
    event_type = "assignment.rerouted"
    previous_lead_unit_id: int | None  # None: a separate assignment
    previous_co_unit_ids: list[int]
    reason: str | None
    previous_unit_ids: list[int] = []  # a separate assignment's handling units before


class ContactAdded(AssignmentEvent):
    event_type = "assignment.contact_added"
    unit_id: int | None = None
    contact_id: int
    stage: str
    method: str


class CoOpinionAdded(AssignmentEvent):
    event_type = "assignment.co_opinion_added"
    unit_id: int
    opinion_id: int
    on_time: bool


class Replied(AssignmentEvent):
    event_type = "assignment.replied"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    reply_id: int
    result_class: str
    content: str
    on_time: bool
    replied_at: Timestamp
    contact_before: bool
    follow_up: bool


class FollowedUp(AssignmentEvent):
    event_type = "assignment.followed_up"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    reply_id: int
    follows_reply_id: int
    result_class: str


class Urged(AssignmentEvent):
    event_type = "assignment.urged"
    method: str
    days_late: int  # of the unit urged, by its own due date, in local calendar days
    urging_id: int
    # the unit urged is unit_id/unit_name (None in old events: the lead unit); its part
    # (lead/co/separate) and its own due date
    unit_role: str | None = None
    unit_due_at: Timestamp | None = None


class SupervisionSet(AssignmentEvent):
    event_type = "assignment.supervision_set"
    leader: str | None = None  # the first leader's sub (old events: the one leader); None: a committee alone
    leaders: list[dict] = []  # [{sub, name}]; old events: [] (their leader is in ``leader``)
    committee: str | None = None
    reason: str

    @property
    def leader_subs(self) -> list[str]:
        return [entry["sub"] for entry in self.leaders if entry.get("sub")] or ([self.leader] if self.leader else [])


class ExtensionRequested(AssignmentEvent):
    event_type = "assignment.extension_requested"
    extension_id: int
    days: int
    reason: str
    unit_id: int | None = None


class ExtensionDecided(AssignmentEvent):
    event_type = "assignment.extension_decided"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    extension_id: int
    approved: bool
    days: int


class DueSoon(AssignmentEvent):
    event_type = "assignment.due_soon"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    days_left: int
    threshold: int


class Overdue(AssignmentEvent):
    event_type = "assignment.overdue"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    days_late: int


class RehandlingOpened(AssignmentEvent):
    event_type = "assignment.rehandling_opened"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    opened_at: Timestamp | None = None  # the rating's real date (None in older events: occurred_at)


class Closed(AssignmentEvent):
    event_type = "assignment.closed"
    unit_id: int | None = None  # the handling unit concerned (None in older events: the lead)
    closed_at: Timestamp | None = None  # the closing rating's real date (None in older events: occurred_at)
