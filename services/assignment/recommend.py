"""Routing recommendation around the ranker in routing.py: load, build once, cache, serve.

The model is built from the units and the office's confirmed choices
(precedents) and kept in the service process; it is rebuilt when either
changes. The version is read from the tables themselves (unit count and highest
ids), so writers never contend on a counter row: a new unit or a new precedent
(every assignment and reroute records one) changes it.
"""
import logging

from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from prometheus_client import Counter
from sqlalchemy import func, select

from services.assignment.models import Precedent, SuggestionFacts, Unit
from services.assignment.routing import Precedent as PrecedentFact
from services.assignment.routing import RoutingModel, UnitProfile
from services.common.errors import NotFound
from services.common.metrics import get_or_create

log = logging.getLogger(__name__)

builds_total = get_or_create(Counter, "lianxin_routing_model_builds_total",
                             "Routing models built (units or precedents changed)", ["service"])


def current_version(session) -> tuple:
    return tuple(session.execute(select(
        select(func.count(Unit.id)).scalar_subquery(),
        select(func.coalesce(func.max(Unit.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Precedent.id), 0)).scalar_subquery())).one())


def load_model(session) -> RoutingModel:
    units = [UnitProfile(unit_id=u.id, name=u.name, duties=u.duties or "", keywords=tuple(u.keywords or ()),
                         categories=tuple(u.categories or ()))
             for u in session.scalars(select(Unit).order_by(Unit.id))]
    precedents = [PrecedentFact(title=p.title, category=p.category, unit_id=p.unit_id)
                  for p in session.execute(select(Precedent.title, Precedent.category, Precedent.unit_id)
                                           .where(Precedent.superseded.is_(False)).order_by(Precedent.id))]
    return RoutingModel.build(units, precedents)


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
                    self.model = load_model(session)
                    self.names = dict(session.execute(select(Unit.id, Unit.name)).all())
                    self.version = version
                    builds_total.labels(self.service).inc()
                    log.info("routing model built", extra={"version": list(version)})
        return self.model, self.names


class RoutingModels(DependencyProvider):
    def setup(self):
        self.cache = ModelCache(self.container.service_name)

    def get_dependency(self, worker_ctx):
        return self.cache


def recommend(session, cache: ModelCache, suggestion_id: int, fetch_facts, limit: int = 5) -> dict:
    facts = session.get(SuggestionFacts, suggestion_id)
    if facts is not None:
        title, body, category = facts.title, facts.body or "", facts.category
    else:  # not accepted yet, or its event is on its way: ask the owner
        fetched = fetch_facts(suggestion_id)
        if fetched is None:
            raise NotFound(f"suggestion {suggestion_id} not found")
        title, body, category = fetched["title"], fetched.get("body") or "", fetched["category"]
    model, names = cache.get(session)
    ranked = model.rank(title, body, category, limit=limit)
    return {"suggestion_id": suggestion_id, "candidates": [
        {"unit_id": c.unit_id, "unit_name": names.get(c.unit_id), "score": float(c.score),
         "reasons": list(c.reasons)} for c in ranked]}
