"""Event consumers of the evaluation service: every consumed event feeds the projection."""
from services.common.db import Transaction
from services.common.events import Received
from services.evaluation import projection


def make_handlers() -> dict:
    """(No rules to take: the projection applies every event the same way.)"""
    def on_event(tx: Transaction, event: Received) -> None:
        """Log the event (its validated payload, as its model dumps it) and apply it
        (projection.apply says which events change what)."""
        projection.record(tx, event.type, event.payload.model_dump(mode="json"), event.occurred_at,
                          str(event.event_id))

    # topology.SUBSCRIPTIONS["evaluation"] decides what arrives; all of it is logged for rebuild
    return {"*": on_event}
