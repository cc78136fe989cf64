"""The one envelope every event travels in (DESIGN.md, Events)."""
import uuid
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from services.common.context import current_request_id


class Envelope(BaseModel):
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str  # "<producer>.<name>", e.g. "assignment.replied"
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    producer: str
    payload: dict[str, Any]
    request_id: str | None = None


def make_envelope(producer: str, event: BaseModel) -> Envelope:
    """``event``: one of this producer's published models (services/<producer>/events.py)."""
    event_type = getattr(event, "event_type", "")
    # audit.recorded is the one type every producer publishes (services/common/audit.py)
    if not (event_type.startswith(f"{producer}.") or event_type.startswith("audit.")):
        raise TypeError(f"{producer} publishes only its own published event models, not {event!r}")
    return Envelope(
        type=event_type,
        producer=producer,
        payload=event.model_dump(mode="json"),
        version=event.version,
        request_id=current_request_id(),
    )
