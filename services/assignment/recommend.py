"""Routing recommendation around the ranker in routing.py: load, build once, cache, serve.

The model is built from the units and the office's confirmed choices
(precedents) and kept in the service process; it is rebuilt when either
changes. The version is read from the tables themselves (unit count, highest
ids, the latest correction of a unit), so writers never contend on a counter row:
a new or corrected unit or a new precedent (every assignment and reroute records
one) changes it.

Units carry their kind, level and region; the office's congress (OFFICE_LEVEL, OFFICE_REGION) is
passed as the model's Scope; the answer adds ``co_candidates`` (likely 会办 units) for the top
candidate.
"""
import logging

from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from prometheus_client import Counter
from sqlalchemy import func, select

from services.assignment.models import Precedent, SuggestionFacts, Unit
from services.assignment.routing import Precedent as PrecedentFact
from services.assignment.routing import RoutingModel, Scope, UnitProfile
from services.common.errors import NotFound
from services.common.metrics import get_or_create

log = logging.getLogger(__name__)

builds_total = get_or_create(Counter, "lianxin_routing_model_builds_total",
                             "Routing models built (units or precedents changed)", ["service"])


def current_version(session) -> tuple:
    return tuple(session.execute(select(
        select(func.count(Unit.id)).scalar_subquery(),
        select(func.coalesce(func.max(Unit.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Precedent.id), 0)).scalar_subquery(),
        select(func.max(Unit.updated_at)).scalar_subquery())).one())


def scope_of(rules) -> Scope | None:
    """The office's congress as the model's Scope (None when the office configured neither)."""
    level, region = getattr(rules, "office_level", None), getattr(rules, "office_region", None)
    if level is None and region is None:
        return None
    return Scope(level=level, region=region)


def warm_up() -> None:
    """Load once per process what every model needs: the segmenter and the kinds of units."""
    from services.assignment.routing_text import segmenter
    from services.assignment.unit_kinds import kinds
    segmenter()
    kinds()


def load_precedents(session) -> list[PrecedentFact]:
    return [PrecedentFact(title=p.title, category=p.category, unit_id=p.unit_id,
                          co_unit_ids=tuple(p.co_unit_ids or ()))
            for p in session.execute(select(Precedent.title, Precedent.category, Precedent.unit_id,
                                            Precedent.co_unit_ids)
                                     .where(Precedent.superseded.is_(False)).order_by(Precedent.id))]


def load_model(session) -> RoutingModel:
    units = [UnitProfile(unit_id=u.id, name=u.name, duties=u.duties or "", keywords=tuple(u.keywords or ()),
                         categories=tuple(u.categories or ()), kind=u.kind, level=u.level, region=u.region)
             for u in session.scalars(select(Unit).order_by(Unit.id))]
    return RoutingModel.build(units, load_precedents(session))


def units_part(version: tuple) -> tuple:
    """What of current_version() the units decide (count, highest id, latest correction)."""
    count, max_unit, _, updated = version
    return count, max_unit, updated


class ModelCache:
    """One model per process; a worker that finds it stale rebuilds it (one at a time)."""

    def __init__(self, service: str):
        self.service = service
        self.version = None
        self.model = None
        self.names: dict[int, str] = {}
        self._lock = Semaphore()

    def get(self, session) -> tuple[RoutingModel, dict]:
        version = current_version(session)
        if version != self.version:
            with self._lock:
                if version != self.version:
                    # read after the version: the data is at least as new as it says
                    if self.model is not None and units_part(version) == units_part(self.version):
                        # only precedents changed (every assignment records one): the units' index,
                        # the costly part, stays
                        self.model = self.model.with_history(load_precedents(session))
                        kind = "history"
                    else:
                        self.model = load_model(session)
                        self.names = dict(session.execute(select(Unit.id, Unit.name)).all())
                        kind = "full"
                    self.version = version
                    builds_total.labels(self.service).inc()
                    log.info("routing model built (%s)", kind, extra={"version": list(version)})
        return self.model, self.names


class RoutingModels(DependencyProvider):
    def setup(self):
        self.cache = ModelCache(self.container.service_name)

    def start(self):
        # jieba's dictionary and the unit kinds' data take seconds to load (4 s on a busy 2-core
        # machine): loaded here, before the entrypoints start, the first recommendation after a
        # (re)start is not the one that pays and overruns the gateway's RPC timeout
        warm_up()

    def get_dependency(self, worker_ctx):
        return self.cache


def recommend(session, cache: ModelCache, suggestion_id: int, fetch_facts, rules, limit: int = 5) -> dict:
    """The lead units recommended, best first, and for the first the co-units (会办) likely with it."""
    facts = session.get(SuggestionFacts, suggestion_id)
    if facts is not None:
        title, body, category = facts.title, facts.body or "", facts.category
    else:  # not accepted yet, or its event is on its way: ask the owner
        fetched = fetch_facts(suggestion_id)
        if fetched is None:
            raise NotFound(f"suggestion {suggestion_id} not found")
        title, body, category = fetched["title"], fetched.get("body") or "", fetched["category"]
    model, names = cache.get(session)
    scope = scope_of(rules)
    ranked = model.rank(title, body, category, limit=limit, scope=scope)
    co = model.co_units(title, ranked[0].unit_id, body, category, limit=3, scope=scope) if ranked else []
    return {"suggestion_id": suggestion_id, "candidates": [answer(c, names) for c in ranked],
            "co_candidates": [answer(c, names) for c in co if not ranked or c.unit_id != ranked[0].unit_id]}


def answer(c, names: dict) -> dict:
    return {"unit_id": c.unit_id, "unit_name": names.get(c.unit_id), "score": float(c.score),
            "reasons": list(c.reasons)}
