"""The events the evaluation service publishes (routing key evaluation.<name>)."""
from typing import Literal

from services.common.events import Event, Timestamp


class Evaluated(Event):
    """The lead deputy rated a handling unit's reply; a first dissatisfied rating opens rehandling of
    that unit's part."""
    event_type = "evaluation.evaluated"

    assignment_id: int
    suggestion_id: int
    round: int
    satisfaction: Literal["satisfied", "basic", "dissatisfied"]
    final: bool
    deputy_id: int
    lead_deputy_id: int | None
    lead_unit_id: int | None  # None when the assignment is separate (分办)
    number: str | None  # the suggestion's label, 第0001号
    title: str | None
    actor: str
    note: str
    # 分办 (the shared contract): the handling unit whose reply was rated (None in older events: the lead)
    unit_id: int | None = None
    # when the deputy rated (the office may record the real date of a paper rating form)
    evaluated_at: Timestamp | None = None

    @property
    def label(self) -> str | None:
        return self.number


class TestClosed(Event):
    """满意度测评 closed, with each unit's tally."""
    event_type = "evaluation.test_closed"
    __test__ = False  # not a pytest test class

    test_id: int
    title: str
    voter_count: int
    ballots: int
    tallies: list[dict]  # per unit: satisfied, basic, dissatisfied, abstain, votes (without abstentions), cast
    subject: str = "units"  # "report": the government's handling report as a whole (old events: units)
    report: dict | None = None  # a report test's tally of the report (the same keys as a unit's)
    actor: str | None
    note: str
