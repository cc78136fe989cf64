"""Performance points (履职积分): one row per deputy and source; awarding twice is a no-op."""
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from services.common.clock import now
from services.station.store import page
from services.station.models import PointEntry

REASON_LABELS = {"reception": "接待选民", "research": "调研", "inspection": "视察", "training": "培训",
                 "visit": "走访", "suggestion_submitted": "提交建议", "suggestion_accepted": "建议立案",
                 "suggestion_co_signed": "联名提出建议"}


def award(tx, deputy_id: int, points: int, reason: str, source_type: str, source_id, label: str | None,
          event_id: str | None = None) -> bool:
    """Record points for one source; a rule worth 0 records nothing. True if a row was added."""
    if not points:
        return False
    added = tx.execute(
        insert(PointEntry).values(deputy_id=deputy_id, points=points, reason=reason, source_type=source_type,
                                  source_id=str(source_id), label=label, event_id=event_id, at=now())
        .on_conflict_do_nothing(constraint="uq_points_source").returning(PointEntry.id)).first()
    return added is not None


def point_dict(p: PointEntry) -> dict:
    return {"id": p.id, "points": p.points, "reason": p.reason, "reason_label": REASON_LABELS.get(p.reason, p.reason),
            "source_type": p.source_type, "source_id": p.source_id, "label": p.label, "event_id": p.event_id,
            "at": p.at}


def deputy_points(session, deputy_id: int, limit: int, offset: int) -> dict:
    """The total, the total per reason, and every entry with its source (newest first)."""
    by_reason = dict(session.execute(select(PointEntry.reason, func.sum(PointEntry.points))
                                     .where(PointEntry.deputy_id == deputy_id).group_by(PointEntry.reason)).all())
    query = select(PointEntry).where(PointEntry.deputy_id == deputy_id)
    listed = page(session, query, (PointEntry.at.desc(), PointEntry.id.desc()), limit, offset, point_dict)
    return {"deputy_id": deputy_id, "points": int(sum(by_reason.values())),
            "by_reason": {k: int(v) for k, v in by_reason.items()}, **listed}
