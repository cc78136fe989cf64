"""Answer models of suggestions and notify: their enums follow the services' rules."""
from typing import get_args

from gateway.answers import notifications as N
from gateway.answers import suggestions as S
from services.notify.channels import SENDERS
from services.suggestion import schemas


def enum(model, field: str) -> set:
    annotation = model.model_fields[field].annotation
    return {value for arg in (get_args(annotation) or (annotation,)) for value in (get_args(arg) or (arg,))
            if value is not type(None)}


def test_suggestion_enums_are_the_services():
    assert enum(S.SuggestionAnswer, "status") == set(schemas.STATUSES)
    assert enum(S.SimilarSuggestion, "status") == set(schemas.STATUSES)
    assert enum(S.PublicSuggestionAnswer, "status") == set(schemas.PUBLISHABLE)
    assert enum(S.SuggestionAnswer, "kind") == set(get_args(schemas.Kind))
    assert enum(S.SuggestionAnswer, "source") == set(get_args(schemas.Source))


def test_delivery_channels_are_notify_senders():
    assert enum(N.NotificationDelivery, "channel") == set(SENDERS)
