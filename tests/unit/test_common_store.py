"""The shared load_or_404: one 404 for a missing row in every service, locking on request."""
import pytest

from services.common.errors import NotFound
from services.common.store import load_or_404


class Session:
    """Records what a store asked of it; knows one row."""

    def __init__(self):
        self.calls = []

    def get(self, model, id_, with_for_update=None):
        self.calls.append((model, id_, with_for_update))
        return {"id": 7} if id_ == 7 else None


def test_a_row_is_loaded_and_locked_only_when_asked():
    session = Session()
    assert load_or_404(session, dict, 7, "station") == {"id": 7}
    assert load_or_404(session, dict, 7, "station", lock=True) == {"id": 7}
    assert session.calls == [(dict, 7, False), (dict, 7, True)]


def test_a_missing_row_is_a_404_naming_what_was_looked_for():
    with pytest.raises(NotFound) as caught:
        load_or_404(Session(), dict, 8, "suggestion", lock=True)
    assert caught.value.message == "no such suggestion: 8"
