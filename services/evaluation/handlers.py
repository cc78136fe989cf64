"""Event handlers of the evaluation service: the assignment projection."""
from services.common.db import Transaction
from services.common.envelope import Envelope
from services.evaluation.commands import upsert_facts


def on_assignment(tx: Transaction, event: Envelope) -> None:
    upsert_facts(tx, event.payload, event.occurred_at)


HANDLERS = {t: on_assignment for t in (
    "assignment.assigned", "assignment.rerouted", "assignment.signed", "assignment.replied",
    "assignment.rehandling_opened", "assignment.closed")}
