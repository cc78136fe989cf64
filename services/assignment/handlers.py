"""Event handlers of the assignment service."""
from services.assignment import settings
from services.assignment.commands import apply_evaluation, upsert_facts
from services.common.db import Transaction
from services.common.events import Received


def on_accepted(tx: Transaction, event: Received) -> None:
    upsert_facts(tx, event.payload.model_dump(), "accepted")


def on_withdrawn(tx: Transaction, event: Received) -> None:
    upsert_facts(tx, event.payload.model_dump(), "withdrawn")


def on_evaluated(tx: Transaction, event: Received) -> None:
    apply_evaluation(tx, event.payload, settings.active())


HANDLERS = {
    "suggestion.accepted": on_accepted,
    "suggestion.withdrawn": on_withdrawn,
    "evaluation.evaluated": on_evaluated,
}
