"""The office's past confirmed assignments as a nearest-neighbour index.

Each precedent title becomes a binary TF-IDF vector of its grams (IDF of the units' texts); a
query finds its most similar precedents through an inverted index (cosine), and each
neighbour votes for the unit it was given to. Also counts, per category, which units the
office chose (a prior when the suggestion's category is known). Pure standard library.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict

from services.assignment.routing_text import words as grams

NEIGHBOURS = 8          # precedents that vote
MIN_SHARE = 0.05        # a unit given less of a category than this has no habit there
DAMPING = 0.5           # count / (count + DAMPING): one look-alike is a hint, several a habit
MIN_SIMILARITY = 0.4    # below this a precedent is not "the same kind" of suggestion


class History:
    def __init__(self, precedents, known_units: set[int], base_idf: dict[str, float] | None = None):
        rows = [(p, frozenset(grams(p.title))) for p in precedents if p.unit_id in known_units]
        self.size = len(rows)
        # Gram weights come from the units' own texts, not from the precedents: a gram common
        # there (安全, 监管, 服务) says little about which unit it is, one the units never use
        # (外卖, 骑手) gets the top weight; and a subject the office saw many times (so common
        # among the precedents) keeps its weight instead of fading as history grows.
        base_idf = base_idf or {}
        top = max(base_idf.values(), default=1.0)
        self.idf = {g: base_idf.get(g, top) for _, gs in rows for g in gs}
        idf = self.idf
        self.titles = [p.title for p, _ in rows]
        self.units = [p.unit_id for p, _ in rows]
        self.co_units = [tuple(u for u in getattr(p, "co_unit_ids", ()) if u in known_units) for p, _ in rows]
        self.norms = [math.sqrt(sum(idf[g] ** 2 for g in gs)) or 1.0 for _, gs in rows]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for pid, (_, gs) in enumerate(rows):
            for g in gs:
                self.postings[g].append(pid)
        self.by_category: dict[str | None, Counter] = defaultdict(Counter)
        for p, _ in rows:
            self.by_category[p.category][p.unit_id] += 1

    def neighbours(self, query_grams: list[str]) -> list[tuple[float, int]]:
        """(cosine similarity, precedent index) of the closest precedents, best first
        (binary TF-IDF vectors: a title rarely repeats a bigram)."""
        q = {g for g in query_grams if g in self.idf}
        if not q:
            return []
        qn = math.sqrt(sum(self.idf[g] ** 2 for g in q))
        acc: dict[int, float] = defaultdict(float)
        for g in q:
            w = self.idf[g] ** 2
            for pid in self.postings[g]:
                acc[pid] += w
        norms = self.norms
        best = heapq.nlargest(NEIGHBOURS, ((s / (qn * norms[pid]), -pid) for pid, s in acc.items()))
        return [(s, -npid) for s, npid in best if s >= MIN_SIMILARITY]

    def votes(self, query_grams: list[str]) -> dict[int, tuple[float, int, str]]:
        """unit id -> (vote in [0, 1], how many close precedents, the closest one's title).

        Each close precedent adds its similarity s, scaled by (s / best s)² so that the
        closest precedents speak loudest; the sum is capped at 1 and damped by
        count/(count+1): one look-alike is a hint, several agreeing ones are a habit."""
        near = self.neighbours(query_grams)
        sums: dict[int, list] = {}
        for s, pid in near:
            entry = sums.setdefault(self.units[pid], [0.0, 0, self.titles[pid]])
            entry[0] += s * (s / near[0][0]) ** 2
            entry[1] += 1
        return {uid: (min(1.0, total) * count / (count + DAMPING), count, example)
                for uid, (total, count, example) in sums.items()}

    def co_votes(self, query_grams: list[str], lead: int) -> dict[int, tuple[float, int, str]]:
        """unit id -> (vote, how many, an example title) for the co-units named on the close
        precedents (those led by the same unit count double)."""
        out: dict[int, list] = {}
        for s, pid in self.neighbours(query_grams):
            w = s * (2.0 if self.units[pid] == lead else 1.0)
            for uid in self.co_units[pid]:
                if uid != lead:
                    e = out.setdefault(uid, [0.0, 0, self.titles[pid]])
                    e[0] += w
                    e[1] += 1
        return {uid: (min(1.0, v / 2), n, ex) for uid, (v, n, ex) in out.items()}

    def category_shares(self, category: str | None) -> dict[int, tuple[float, int]]:
        """unit id -> (share of this category's precedents given to the unit, how many)."""
        counts = self.by_category.get(category) if category else None
        if not counts:
            return {}
        total = sum(counts.values())
        return {uid: (n / total, n) for uid, n in counts.items() if n / total >= MIN_SHARE}
