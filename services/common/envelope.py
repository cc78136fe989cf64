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


def make_envelope(producer: str, name: str, payload: BaseModel | dict, version: int = 1) -> Envelope:
    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    return Envelope(
        type=f"{producer}.{name}",
        producer=producer,
        payload=payload,
        version=version,
        request_id=current_request_id(),
    )
