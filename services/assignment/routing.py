"""Routing recommendation: which handling unit should lead a suggestion, and its co-units.

Pure (no database). `RoutingModel.build(units, precedents)` indexes each unit's own text plus
what its kinds of unit handle (services/assignment/unit_kinds.yml; a unit without a kind gets the
one its name says, and a merged bureau every field its name says), and the office's confirmed assignments;
`rank(title, body, category, limit, scope)` returns candidates best first, and
`co_units(title, lead_unit_id, ...)` the likely co-units (会办). Text is segmented by jieba with the
domain dictionary (routing_text.words).

Score (0..1, higher is better; a weighted blend of evidence, not a probability):
  W_KEYWORD  · keyword evidence   1 - exp(-Σ weight of the unit's (and its kinds') keywords and subjects in the text)
  W_TEXT     · text similarity    1 - exp(-BM25(title words → the unit's document) / TEXT_SCALE),
                                   scaled by its share of the best unit's BM25 (routing_units)
  W_CATEGORY · category           min(1, 0.7 × (1 for the unit's main category, 0.6 for another
                                   of its own) + the share of that category the office gave it)
  W_HISTORY  · precedents         nearest past titles' votes (similarity-weighted, routing_history)
                                   + LEARNED × the share of the title's words learned from the
                                   unit's precedents, capped at 1
then × ENTERPRISE_FACTOR for utilities and SOEs, × GENERALIST_FACTOR for governments themselves,
and × OTHER_LEVEL_FACTOR for a unit of another
level than the scope's. Units outside the scope's region come after every unit inside it.
The weights sum to 1; they and the BM25 parameters were measured with `make bench-routing`
(bench/routing/README.md). Ties are broken by unit id, so a ranking is deterministic.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from services.assignment.routing_history import History
from services.assignment.unit_kinds import kind_of, kinds, kinds_in
from services.assignment.routing_text import CATEGORY_LABELS, short, words
from services.assignment.routing_units import UnitIndex

W_KEYWORD, W_TEXT, W_CATEGORY, W_HISTORY = 0.16, 0.28, 0.12, 0.44
KEYWORD_SCALE = 1.0
HISTORY_BOOST = 0.0        # the office's habit also multiplies the text evidence of the unit it chose
LEARNED = 0.5              # learned words against near-twin votes (time-split top-3 71.3% -> 74.3%: bench/routing/README.md)
TEXT_SCALE = 6.0
BODY_WEIGHT = 0.3          # the body counts less than the title
OTHER_LEVEL_FACTOR = 0.9   # a unit of another level in scope: fine, just not first by default
CO_PRIOR, CO_TEXT, CO_HISTORY = 0.4, 1.0, 0.5   # text:prior 2.5 (swept on the dev set's half a: co-unit recall@3 30% -> 40%, half b 24% -> 28%)
# Congress suggestions are assigned to government departments first; utilities and state-owned
# enterprises usually handle them as co-units or when a department passes them on.
ENTERPRISE_KINDS = frozenset({"power", "water_supply", "gas", "heating", "bus_company", "telecom", "cable_tv",
                              "urban_investment", "postal", "railway"})
ENTERPRISE_FACTOR = 0.8
# A government itself (人民政府, its office, a township) gets a suggestion when no department fits
# it; the place words of a title (镇, 村, 社区) alone should not put it first.
GENERALIST_KINDS = frozenset({"local_government", "township_government", "government_office"})
GENERALIST_FACTOR = 0.8
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "city": "市级", "county": "县级"}


@dataclass(frozen=True)
class UnitProfile:
    unit_id: int
    name: str
    duties: str
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    kind: str | None = None          # unit kind code (None: recognised from the name)
    level: str | None = None         # national / provincial / city / county
    region: str | None = None        # e.g. "云南省曲靖市沾益区"


@dataclass(frozen=True)
class Precedent:
    title: str
    category: str | None
    unit_id: int
    co_unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Scope:
    """The congress a suggestion came to: its office's own level and region."""
    level: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


class RoutingModel:
    def __init__(self, units: dict, kinds_of_unit: dict, index: UnitIndex, history: History):
        self.units = units
        self.kinds_of_unit = kinds_of_unit          # unit id -> its kinds, the main one first
        self.kind_of_unit = {uid: (ks[0] if ks else None) for uid, ks in kinds_of_unit.items()}
        self.index = index
        self.history = history
        self.units_of_kind: dict[str, list[int]] = {}
        for uid, ks in kinds_of_unit.items():
            for k in ks:
                self.units_of_kind.setdefault(k, []).append(uid)

    @classmethod
    def build(cls, units, precedents=()) -> "RoutingModel":
        """units: UnitProfile; precedents: the office's confirmed assignments (Precedent);
        precedents naming a unit not among units are ignored. A unit without a kind gets
        the one its name says (unit_kinds.kind_of); a merged bureau also does the other fields
        its name says (unit_kinds.kinds_in: 教育体育局 is education and sports)."""
        by_id = {u.unit_id: u for u in sorted(units, key=lambda u: u.unit_id)}
        all_kinds = kinds()
        kinds_of_unit = {}
        for uid, u in by_id.items():
            main = u.kind if u.kind in all_kinds else kind_of(u.name)
            kinds_of_unit[uid] = tuple(dict.fromkeys(k for k in (main, *kinds_in(u.name)) if k))
        index = UnitIndex(by_id, kinds_of_unit, all_kinds)
        return cls(by_id, kinds_of_unit, index, History(precedents, set(by_id), index.idf))

    def with_history(self, precedents) -> "RoutingModel":
        """The same units (and their index, the costly part) with another history: what a new
        confirmed assignment or reroute changes."""
        return type(self)(self.units, self.kinds_of_unit, self.index,
                          History(precedents, set(self.units), self.index.idf))

    # --- jurisdiction ------------------------------------------------------------------------
    def in_scope(self, uid: int, scope: Scope | None) -> bool:
        """A unit of the scope's region, above it, or (for a county-level scope) of one of its
        subdivisions; a unit or scope without a region is in scope."""
        u = self.units[uid]
        if scope is None or not scope.region or not u.region:
            return True
        if scope.region.startswith(u.region):
            return True
        return scope.level == "county" and u.region.startswith(scope.region)

    def _jurisdiction(self, uid: int, scope: Scope | None) -> tuple[int, float, str | None]:
        """(0 in scope / 1 out, score factor, reason)."""
        if not self.in_scope(uid, scope):
            return 1, 1.0, f"不属本级辖区（{self.units[uid].region}）"
        u = self.units[uid]
        if scope is None or not scope.level or not u.level:
            return 0, 1.0, None
        if u.level == scope.level:
            return 0, 1.0, f"属本级（{LEVEL_NAMES.get(u.level, u.level)}）单位"
        return 0, OTHER_LEVEL_FACTOR, f"{LEVEL_NAMES.get(u.level, u.level)}单位"

    # --- ranking -----------------------------------------------------------------------------
    def _evidence(self, title: str, body: str, category: str | None):
        query: Counter = Counter(words(title))
        for g in words(body):
            query[g] += BODY_WEIGHT
        keywords = self.index.keywords(title, body, BODY_WEIGHT)
        text = self.index.bm25(query, title)
        votes = self.history.votes(list(query))
        for uid, share in self.history.learned(list(query)).items():
            vote, n, example = votes.get(uid, (0.0, 0, ""))
            votes[uid] = (min(1.0, vote + LEARNED * share), n, example)
        cats = self.index.by_category.get(category, {}) if category else {}
        shares = self.history.category_shares(category)
        return query, keywords, text, votes, cats, shares

    def _parts(self, uid, keywords, text, votes, cats, shares, top_text):
        cat, (share, _) = cats.get(uid, 0.0), shares.get(uid, (0.0, 0))
        rel = text.get(uid, 0.0) / top_text if top_text else 0.0
        return (W_KEYWORD * (1 - math.exp(-keywords.get(uid, (0.0,))[0] / KEYWORD_SCALE)),
                W_TEXT * (1 - math.exp(-text.get(uid, 0.0) / TEXT_SCALE)) * (0.5 + 0.5 * rel),
                W_CATEGORY * min(1.0, 0.7 * cat + share),
                W_HISTORY * votes.get(uid, (0.0,))[0])

    def rank(self, title: str, body: str = "", category: str | None = None, limit: int = 5,
             scope: Scope | None = None) -> list[Candidate]:
        query, keywords, text, votes, cats, shares = self._evidence(title, body, category)
        top_text = max(text.values(), default=0.0)
        scored = []
        for uid in set(keywords) | set(text) | set(votes) | set(cats) | set(shares):
            parts = self._parts(uid, keywords, text, votes, cats, shares, top_text)
            out, factor, jreason = self._jurisdiction(uid, scope)
            if self.kind_of_unit.get(uid) in ENTERPRISE_KINDS:
                factor *= ENTERPRISE_FACTOR
            elif self.kind_of_unit.get(uid) in GENERALIST_KINDS:
                factor *= GENERALIST_FACTOR
            score = round(sum(parts) * factor * (1 + HISTORY_BOOST * votes.get(uid, (0.0,))[0]), 4)
            if score > 0:
                scored.append((out, -score, uid, parts, jreason))
        scored.sort(key=lambda t: t[:3])
        return [Candidate(uid, -neg, self._reasons(uid, parts, category, query, keywords, votes, shares, cats, jr))
                for _, neg, uid, parts, jr in scored[:max(limit, 0)]]

    def co_units(self, title: str, lead_unit_id: int, body: str = "", category: str | None = None,
                 limit: int = 3, scope: Scope | None = None) -> list[Candidate]:
        """Likely co-units (会办) for a suggestion led by lead_unit_id: the units of the kinds
        that usually join the lead's kind, units the title also points to, and the co-units
        named on similar past suggestions."""
        query, keywords, text, _, cats, shares = self._evidence(title, body, category)
        co_votes = self.history.co_votes(list(query), lead_unit_id)
        lead_kind = self.kind_of_unit.get(lead_unit_id)
        co_kinds = kinds()[lead_kind].co_kinds if lead_kind in kinds() else ()
        prior = {}
        for i, k in enumerate(co_kinds):
            for uid in self.units_of_kind.get(k, ()):
                prior[uid] = max(prior.get(uid, 0.0), 1.0 - 0.15 * i)
        top_text = max(text.values(), default=0.0)
        scored = []
        for uid in (set(prior) | set(co_votes) | set(keywords) | set(text)) - {lead_unit_id}:
            if lead_kind and self.kind_of_unit.get(uid) == lead_kind:
                continue
            parts = self._parts(uid, keywords, text, {}, cats, shares, top_text)
            relevance = parts[0] + parts[1]
            score = CO_PRIOR * prior.get(uid, 0.0) + CO_TEXT * relevance + CO_HISTORY * co_votes.get(uid, (0.0,))[0]
            out, factor, jreason = self._jurisdiction(uid, scope)
            score = round(score * factor, 4)
            if score > 0.02:
                reasons = []
                if uid in prior:
                    reasons.append(f"{kinds()[lead_kind].name}办理此类事项常会同{kinds()[self.kind_of_unit[uid]].name}")
                reasons += self._reasons(uid, parts, category, query, keywords, {}, {}, cats, None)
                _, n, ex = co_votes.get(uid, (0.0, 0, ""))
                if n:
                    reasons.append(f"相似建议曾由本单位会办 {n} 次，如《{short(ex, 30)}》")
                if jreason:
                    reasons.append(jreason)
                scored.append((out, -score, uid, reasons))
        scored.sort(key=lambda t: t[:3])
        return [Candidate(uid, -neg, reasons) for _, neg, uid, reasons in scored[:max(limit, 0)]]

    def _reasons(self, uid, parts, category, query, keywords, votes, shares, cats, jreason) -> list[str]:
        reasons = []
        kw_names = keywords.get(uid, (0.0, []))[1]
        matched = list(dict.fromkeys(sorted(kw_names, key=lambda k: (-len(k), k))[:3] +
                                     self.index.matched_words(uid, query)))[:4]
        if matched and (parts[0] > 0 or parts[1] >= 0.05 * W_TEXT):
            duty = self.index.closest_duty(uid, Counter(matched) + query)
            words_ = "、".join(matched)
            reasons.append(f"标题“{words_}”与职责“{duty}”相符" if duty else f"标题“{words_}”属本单位职责")
        label = CATEGORY_LABELS.get(category, category)
        if cats.get(uid):
            reasons.append(f"类别匹配：{label}")
        _, n_near, example = votes.get(uid, (0.0, 0, ""))
        if n_near:
            reasons.append(f"曾办理相似建议 {n_near} 件，如《{short(example, 30)}》")
        else:
            seen = self.history.seen_words(uid, query)
            if seen:
                reasons.append(f"以往交由本单位的建议也涉及“{'、'.join(seen)}”")
        share, n_cat = shares.get(uid, (0.0, 0))
        if n_cat and share >= 0.2:
            reasons.append(f"以往{label}类建议 {n_cat} 件交由本单位")
        if jreason:
            reasons.append(jreason)
        return reasons
