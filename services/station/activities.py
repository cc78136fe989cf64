"""Activities at stations (reception, research, ...), each worth points to the deputies who took part."""
from sqlalchemy import select

from services.common.clock import now
from services.common.errors import field_error
from services.common.validation import parse
from services.station import domain
from services.station.events import ActivityLogged
from services.station.models import Activity, Membership
from services.station.rules import Rules
from services.station.schemas import ActivityIn
from services.station.store import acting_station, award, sub
from services.station.views import activity_dict


def log_activity(tx, actor: dict, station_id: int, data: dict, rules: Rules) -> dict:
    form = parse(ActivityIn, data)
    station = acting_station(tx, actor, station_id)
    if form.date > domain.today(now()):
        raise field_error("date", "must not be in the future")
    deputy_ids = list(dict.fromkeys(form.deputy_ids))
    members = set(tx.scalars(select(Membership.deputy_id).where(Membership.station_id == station_id,
                                                                Membership.deputy_id.in_(deputy_ids))))
    strangers = [d for d in deputy_ids if d not in members]
    if strangers:
        raise field_error("deputy_ids", f"not members of station {station_id}: {strangers}")
    activity = Activity(station_id=station_id, type=form.type, date=form.date, deputy_ids=deputy_ids,
                        visitors=form.visitors, summary=form.summary, recorded_by=sub(actor), created_at=now())
    tx.add(activity)
    tx.flush()
    points = domain.activity_points(rules.points, form.type)
    type_label = domain.ACTIVITY_LABELS[form.type]
    label = f"{station.name} {type_label} {form.date.isoformat()}"
    for deputy_id in deputy_ids:
        award(tx, deputy_id, points, form.type, "activity", activity.id, label)
    tx.publish(ActivityLogged(
        activity_id=activity.id, station_id=station_id, station_name=station.name, type=form.type,
        date=form.date, deputy_ids=deputy_ids, visitors=form.visitors, actor=sub(actor),
        note=f"{station.name}{type_label}活动"))
    return activity_dict(activity)
