"""The published events' contract: one pydantic model per event type and version.

Each producing service declares the models of what it publishes in
``services/<producer>/events.py`` as subclasses of ``Event`` naming ``event_type``
("assignment.replied") and ``version``; defining the class registers it. Producers
publish only these models (``tx.publish(Replied(...))``); consumers validate every
payload against the model of its type and version before any handler runs, and park
what does not validate (inbox.py).

services/common imports no service code: the first lookup imports the producers'
events.py modules (pydantic models only) by name.
"""
import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, BaseModel, PlainSerializer

from services.common.envelope import Envelope

PRODUCERS = ("suggestion", "assignment", "station", "evaluation", "identity")

_REGISTRY: dict[tuple[str, int], type["Event"]] = {}
_loaded = False

# a time on the wire as datetime.isoformat() writes it ("+00:00", as producers always sent it)
Timestamp = Annotated[AwareDatetime, PlainSerializer(lambda t: t.isoformat(), return_type=str, when_used="json")]


class Event(BaseModel):
    """A published event's payload. Subclasses that name ``event_type`` are registered."""
    event_type: ClassVar[str] = ""
    version: ClassVar[int] = 1

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            return  # a shared base (AssignmentEvent ...), not a published type
        key = (cls.event_type, cls.version)
        known = _REGISTRY.get(key)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"{key} is already published as {known.__module__}.{known.__qualname__}")
        _REGISTRY[key] = cls

    @property
    def label(self) -> str | None:
        """The suggestion's number label (第0001号) when the event concerns one."""
        return None


def _load() -> None:
    global _loaded
    if not _loaded:
        for producer in PRODUCERS:
            importlib.import_module(f"services.{producer}.events")
        importlib.import_module("services.common.audit")  # audit.recorded, from every producer
        _loaded = True


def model_for(event_type: str, version: int = 1) -> type[Event] | None:
    _load()
    return _REGISTRY.get((event_type, version))


def published_types() -> set[str]:
    _load()
    return {event_type for event_type, _ in _REGISTRY}


@dataclass(frozen=True)
class Received:
    """What a handler is given: the envelope and its payload, validated against its model."""
    envelope: Envelope
    payload: Event

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def event_id(self):
        return self.envelope.event_id

    @property
    def occurred_at(self) -> datetime:
        return self.envelope.occurred_at


def describe(exc) -> str:
    """A ValidationError as "field: message; ..." (what a dead letter's error says)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(payload)'}: {e['msg']}" for e in exc.errors())
