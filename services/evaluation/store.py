"""Loading and locking of the evaluation service's records, and the unit names its answers show."""
from sqlalchemy import select

from services.common.store import load_or_404
from services.evaluation.models import Assessment, SatisfactionTest
from services.evaluation.projection_models import UnitName


def load_test(tx, test_id: int, lock: bool = False) -> SatisfactionTest:
    return load_or_404(tx, SatisfactionTest, test_id, "satisfaction test", lock)


def load_assessment(tx, assessment_id: int, lock: bool = False) -> Assessment:
    return load_or_404(tx, Assessment, assessment_id, "assessment", lock)


def unit_names(session, unit_ids: list[int] | None = None) -> dict:
    """unit id -> name, of the given units (all known units when None)."""
    query = select(UnitName.unit_id, UnitName.name)
    if unit_ids is not None:
        query = query.where(UnitName.unit_id.in_(unit_ids))
    return dict(session.execute(query).all())
