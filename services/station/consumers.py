"""Event consumers of the station service: points from suggestions, and escalated opinions linked back."""
from services.common.db import Transaction
from services.common.events import Received
from services.station.opinions import link_suggestion
from services.station.rules import Rules
from services.station.store import award_at_commit
from services.suggestion.events import SuggestionEvent


def make_handlers(rules: Rules) -> dict:
    def on_submitted(tx: Transaction, event: Received) -> None:
        p = event.payload
        label = _label(p)
        award_at_commit(tx, p.lead_deputy_id, rules.points.get("suggestion_submitted", 0), "suggestion_submitted",
              "suggestion", p.suggestion_id, label, str(event.event_id))
        for co_signer in p.co_signer_ids:
            award_at_commit(tx, co_signer, rules.points.get("suggestion_co_signed", 0), "suggestion_co_signed",
                  "suggestion", p.suggestion_id, label, str(event.event_id))
        if p.station_opinion_id:
            link_suggestion(tx, p.station_opinion_id, p.suggestion_id, p.number_label)

    def on_accepted(tx: Transaction, event: Received) -> None:
        p = event.payload
        award_at_commit(tx, p.lead_deputy_id, rules.points.get("suggestion_accepted", 0), "suggestion_accepted",
              "suggestion", p.suggestion_id, _label(p), str(event.event_id))

    return {"suggestion.submitted": on_submitted, "suggestion.accepted": on_accepted}


def _label(suggestion: SuggestionEvent) -> str:
    return " ".join(x for x in (suggestion.number_label, suggestion.title) if x)

