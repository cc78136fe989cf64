"""The suggestion service's projection of the station service's deputy roster."""
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.suggestion import catalog
from services.suggestion.models import Deputy


def upsert_deputy(tx, deputy: dict) -> None:
    values = {"id": deputy["deputy_id"], "name": deputy["name"], "level": deputy["level"],
              "delegation": deputy.get("delegation"), "active": deputy.get("active", True)}
    stmt = pg_insert(Deputy).values(**values)
    tx.execute(stmt.on_conflict_do_update(index_elements=[Deputy.id], set_=values))


# Every submission's roster check. The category schemes' token rides along: a submission reads
# both, and the token's own round trip was ~9 % of the service's CPU under load (bench/README.md).
ACTIVE_AMONG = text(
    "SELECT ARRAY(SELECT id FROM deputies WHERE id = ANY(CAST(:ids AS bigint[])) AND active), "
    f"({catalog.CURRENT_TOKEN.text})")


def known_from_projection(tx, ids: list[int]) -> set[int]:
    active, token = tx.run(ACTIVE_AMONG, {"ids": list(ids)}).one()
    catalog.remember_token(tx, token)
    return set(active)


def known_deputies(tx, ids: list[int], fetch_missing) -> set[int]:
    """Active deputies among ``ids``: the projection first; one registered a moment ago
    (its event not yet here) is asked of the station service with ``fetch_missing(ids)``."""
    known = known_from_projection(tx, ids)
    missing = [i for i in ids if i not in known]
    if missing:
        for deputy in fetch_missing(missing):
            upsert_deputy(tx, deputy)
            if deputy.get("active", True):
                known.add(deputy["deputy_id"])
    return known


def ids_by_name(tx, names: list[str]) -> dict[str, list[int]]:
    """Active deputies' ids per name (a name may be shared: the caller must say which)."""
    result: dict[str, list[int]] = {name: [] for name in names}
    for deputy_id, name in tx.execute(select(Deputy.id, Deputy.name).where(
            Deputy.name.in_(names), Deputy.active.is_(True)).order_by(Deputy.id)):
        result[name].append(deputy_id)
    return result


def names_of(tx, ids: list[int]) -> dict[int, str]:
    return dict(tx.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(ids))).all())
