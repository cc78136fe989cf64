"""Event consumers of the assignment service: the suggestions it may assign, ratings of replies, the
deputies' contact details (the roster's projection) and the people who may supervise (identity's)."""
from services.assignment.commands import apply_evaluation
from services.assignment.models import Person
from services.assignment.rules import Rules
from services.assignment.store import upsert_deputy, upsert_facts
from services.common.db import Transaction
from services.common import people
from services.common.events import Received


def make_handlers(rules: Rules) -> dict:
    def on_accepted(tx: Transaction, event: Received) -> None:
        upsert_facts(tx, event.payload.model_dump(), "accepted")

    def on_withdrawn(tx: Transaction, event: Received) -> None:
        upsert_facts(tx, event.payload.model_dump(), "withdrawn")

    def on_evaluated(tx: Transaction, event: Received) -> None:
        # which handling unit's reply was rated (分办); None: the lead unit's. Read from the envelope
        # too while evaluation's Evaluated model may not declare the contract's unit_id yet.
        unit_id = getattr(event.payload, "unit_id", None)
        if unit_id is None:
            unit_id = event.envelope.payload.get("unit_id")
        apply_evaluation(tx, event.payload, rules, unit_id if isinstance(unit_id, int) else None)

    def on_deputy(tx: Transaction, event: Received) -> None:
        upsert_deputy(tx, event.payload.model_dump())

    def on_person(tx: Transaction, event: Received) -> None:
        people.apply(tx, Person, "leader", event.type, event.payload.model_dump(), event.occurred_at)

    return {"suggestion.accepted": on_accepted, "suggestion.withdrawn": on_withdrawn,
            "evaluation.evaluated": on_evaluated,
            "station.deputy_registered": on_deputy, "station.deputy_updated": on_deputy,
            **{type_: on_person for type_ in people.EVENTS}}
