"""Event handlers of the station service: points from suggestions, and escalated opinions linked back."""
from services.common.db import Transaction
from services.common.envelope import Envelope
from services.station.opinions import link_suggestion
from services.station.points import award
from services.station.rules import Rules


def make_handlers(rules: Rules) -> dict:
    def on_submitted(tx: Transaction, event: Envelope) -> None:
        p = event.payload
        label = _label(p)
        award(tx, p["lead_deputy_id"], rules.points.get("suggestion_submitted", 0), "suggestion_submitted",
              "suggestion", p["suggestion_id"], label, str(event.event_id))
        for co_signer in p.get("co_signer_ids") or []:
            award(tx, co_signer, rules.points.get("suggestion_co_signed", 0), "suggestion_co_signed",
                  "suggestion", p["suggestion_id"], label, str(event.event_id))
        if p.get("station_opinion_id"):
            link_suggestion(tx, p["station_opinion_id"], p["suggestion_id"], p.get("number_label"))

    def on_accepted(tx: Transaction, event: Envelope) -> None:
        p = event.payload
        award(tx, p["lead_deputy_id"], rules.points.get("suggestion_accepted", 0), "suggestion_accepted",
              "suggestion", p["suggestion_id"], _label(p), str(event.event_id))

    return {"suggestion.submitted": on_submitted, "suggestion.accepted": on_accepted}


def _label(payload: dict) -> str:
    return " ".join(str(x) for x in (payload.get("number_label"), payload.get("title")) if x)


# the handlers with the default rules (the service builds its own from config.yml)
HANDLERS = make_handlers(Rules())
