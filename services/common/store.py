"""Loading a row by its id, the same way in every service."""
from services.common.errors import NotFound


def load_or_404(tx_or_session, model, id_, what: str, lock: bool = False):
    """The ``model`` row with primary key ``id_`` (``FOR UPDATE`` when ``lock``); NotFound if there is none."""
    row = tx_or_session.get(model, id_, with_for_update=True if lock else None)
    if row is None:
        raise NotFound(f"no such {what}: {id_}")
    return row
