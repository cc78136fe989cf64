"""The events the suggestion service publishes (routing key suggestion.<name>): one payload shape."""
from datetime import datetime

from services.common.events import Event


class SuggestionEvent(Event):
    """Payload of every suggestion.* event: the suggestion as it stands after the step."""
    suggestion_id: int
    number: int | None  # None only for a suggestion that never left the draft stage
    number_label: str | None  # 第0001号
    session: str
    title: str
    category: str
    kind: str
    source: str | None = None
    lead_deputy_id: int
    co_signer_ids: list[int]
    status: str
    reason: str | None = None
    station_opinion_id: int | None = None
    merged_into_id: int | None = None
    at: datetime

    @property
    def label(self) -> str | None:
        return self.number_label


class Submitted(SuggestionEvent):
    event_type = "suggestion.submitted"


class Accepted(SuggestionEvent):
    event_type = "suggestion.accepted"


class Returned(SuggestionEvent):
    event_type = "suggestion.returned"


class Merged(SuggestionEvent):
    event_type = "suggestion.merged"


class Converted(SuggestionEvent):
    """Screening converted it to another form: 转为代表来信 (letter) or 转作参考材料 (reference)."""
    event_type = "suggestion.converted"
    converted_to: str | None = None  # "letter" or "reference" (status converted_letter / converted_reference)


class Withdrawn(SuggestionEvent):
    event_type = "suggestion.withdrawn"


class Published(SuggestionEvent):
    event_type = "suggestion.published"


class Unpublished(SuggestionEvent):
    """The office withdrew the disclosure (撤回公开); ``reason`` says why."""
    event_type = "suggestion.unpublished"


# the screening decision's resulting status -> its event
SCREENED = {"accepted": Accepted, "returned": Returned, "merged": Merged, "converted_letter": Converted,
            "converted_reference": Converted}
