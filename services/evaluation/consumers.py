"""Event consumers of the evaluation service: every consumed event feeds the projection."""
from services.common import people
from services.common.db import Transaction
from services.common.events import Received
from services.evaluation import projection
from services.evaluation.models import Person


def make_handlers() -> dict:
    """(No rules to take: the projection applies every event the same way.)"""
    def on_event(tx: Transaction, event: Received) -> None:
        """Log the event (its validated payload, as its model dumps it) and apply it
        (projection.apply says which events change what)."""
        projection.record(tx, event.type, event.payload.model_dump(mode="json"), event.occurred_at,
                          str(event.event_id))

    def on_person(tx: Transaction, event: Received) -> None:
        """Who may be named an assessor (not statistics: not logged)."""
        people.apply(tx, Person, "assessor", event.type, event.payload.model_dump(), event.occurred_at)

    # topology.SUBSCRIPTIONS["evaluation"] decides what arrives; all of it but identity's people is
    # logged for rebuild
    return {"*": on_event, **{type_: on_person for type_ in people.EVENTS}}
