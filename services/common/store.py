"""Loading helpers every service's store module builds on."""
from services.common.errors import NotFound


def not_found(what: str, id_) -> NotFound:
    """The 404 of a row that does not exist, or that the caller may not know exists."""
    return NotFound(f"no such {what}: {id_}")


def load_or_404(tx_or_session, model, id_, what: str, lock: bool = False):
    """The ``model`` row with primary key ``id_`` (locked FOR UPDATE until commit if ``lock``),
    or NotFound naming ``what``. Takes a Transaction or a bare Session."""
    row = tx_or_session.get(model, id_, with_for_update=lock)
    if row is None:
        raise not_found(what, id_)
    return row
