"""Event handlers of the station service: performance points from suggestions."""
from services.common.db import Transaction
from services.common.envelope import Envelope
from services.station.models import PointEntry

# points per event type (履职积分); configurable rules come with the stations issue
POINTS = {"suggestion.submitted": (5, "suggestion_submitted"),
          "suggestion.accepted": (5, "suggestion_accepted")}


def on_suggestion(tx: Transaction, event: Envelope) -> None:
    points, reason = POINTS[event.type]
    tx.add(PointEntry(deputy_id=event.payload["lead_deputy_id"], points=points, reason=reason,
                      source=f"suggestion:{event.payload['suggestion_id']}"))


HANDLERS = {t: on_suggestion for t in POINTS}
