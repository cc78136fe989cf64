"""Routing recommendation: which handling unit should lead a suggestion.

Pure Python (standard library only). `RoutingModel.build(units, precedents)` indexes the
units' own text and the office's past confirmed assignments; `rank(title, body,
category)` returns candidates best first.

Score (0..1, higher is better; a weighted blend of evidence, not a probability):
  W_KEYWORD  · keyword evidence   1 - exp(-Σ weight of the unit's keywords found in the text)
  W_TEXT     · text similarity    1 - exp(-BM25(title grams → name+keywords+duties) / TEXT_SCALE)
                                   (keywords and BM25: routing_units; grams: routing_text)
  W_CATEGORY · category           min(1, 0.7 × (1 for the unit's main category, 0.6 for another
                                   of its own) + the share of that category the office gave it)
  W_HISTORY  · precedents         nearest past titles' votes (similarity-weighted, routing_history)
The weights sum to 1. Ties are broken by unit id, so a ranking is deterministic.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from services.assignment.routing_history import History
from services.assignment.routing_text import CATEGORY_LABELS, grams, short
from services.assignment.routing_units import UnitIndex

W_KEYWORD, W_TEXT, W_CATEGORY, W_HISTORY = 0.30, 0.25, 0.15, 0.30
TEXT_SCALE = 6.0
BODY_WEIGHT = 0.3          # the body counts less than the title


@dataclass(frozen=True)
class UnitProfile:
    unit_id: int
    name: str
    duties: str
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Precedent:
    title: str
    category: str | None
    unit_id: int


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


class RoutingModel:
    def __init__(self, index: UnitIndex, history: History):
        self.index = index
        self.history = history

    @classmethod
    def build(cls, units, precedents=()) -> "RoutingModel":
        """units: UnitProfile; precedents: the office's confirmed assignments (Precedent);
        precedents naming a unit not among units are ignored."""
        by_id = {u.unit_id: u for u in sorted(units, key=lambda u: u.unit_id)}
        index = UnitIndex(by_id)
        return cls(index, History(precedents, set(by_id), index.idf))

    def rank(self, title: str, body: str = "", category: str | None = None, limit: int = 5) -> list[Candidate]:
        query: Counter = Counter(grams(title))
        for g in grams(body):
            query[g] += BODY_WEIGHT
        keywords = self.index.keywords(title, body, BODY_WEIGHT)
        text = self.index.bm25(query)
        votes = self.history.votes(grams(title) + grams(body))
        cats = self.index.by_category.get(category, {}) if category else {}
        shares = self.history.category_shares(category)
        scored = []
        for uid in set(keywords) | set(text) | set(votes) | set(cats) | set(shares):
            cat, (share, _) = cats.get(uid, 0.0), shares.get(uid, (0.0, 0))
            parts = (W_KEYWORD * (1 - math.exp(-keywords.get(uid, (0.0,))[0])),
                     W_TEXT * (1 - math.exp(-text.get(uid, 0.0) / TEXT_SCALE)),
                     W_CATEGORY * min(1.0, 0.7 * cat + share), W_HISTORY * votes.get(uid, (0.0,))[0])
            score = round(sum(parts), 4)
            if score > 0:
                scored.append((-score, uid, parts, cat))
        scored.sort(key=lambda t: t[:2])
        return [Candidate(uid, -neg, self._reasons(uid, parts, cat, category, query, keywords, votes, shares))
                for neg, uid, parts, cat in scored[:max(limit, 0)]]

    def _reasons(self, uid, parts, cat, category, query, keywords, votes, shares) -> list[str]:
        reasons = []
        kw_names = keywords.get(uid, (0.0, []))[1]
        if kw_names:
            reasons.append("关键词：" + "、".join(sorted(kw_names, key=lambda k: (-len(k), k))[:4]))
        if parts[1] >= 0.05 * W_TEXT:
            duty = self.index.closest_duty(uid, query)
            if duty:
                reasons.append(f"职责相近：{duty}")
        label = CATEGORY_LABELS.get(category, category)
        if cat:
            reasons.append(f"类别匹配：{label}")
        _, n_near, example = votes.get(uid, (0.0, 0, ""))
        if n_near:
            reasons.append(f"以往同类建议交由本单位 {n_near} 次，如《{short(example, 30)}》")
        share, n_cat = shares.get(uid, (0.0, 0))
        if n_cat and share >= 0.2:
            reasons.append(f"以往{label}类建议 {n_cat} 件交由本单位")
        return reasons
