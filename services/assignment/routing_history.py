"""The office's past confirmed assignments as a nearest-neighbour index.

Each precedent title becomes a TF-IDF vector of its grams (IDF over the precedents); a
query finds its most similar precedents through an inverted index (cosine), and each
neighbour votes for the unit it was given to. Also counts, per category, which units the
office chose (a prior when the suggestion's category is known). Pure standard library.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict

from services.assignment.routing_text import grams

NEIGHBOURS = 8          # precedents that vote
MIN_SIMILARITY = 0.35   # below this a precedent is not "the same kind" of suggestion


class History:
    def __init__(self, precedents, known_units: set[int], base_idf: dict[str, float] | None = None):
        rows = [(p, Counter(grams(p.title))) for p in precedents if p.unit_id in known_units]
        self.size = len(rows)
        df: Counter = Counter()
        for _, tf in rows:
            df.update(tf.keys())
        n = self.size
        # a gram common in the units' own texts (安全, 监管, 服务) says little about which one it is
        base_idf = base_idf or {}
        top = max(base_idf.values(), default=1.0)
        self.idf = {g: math.log(1 + (n + 1) / (d + 0.5)) * base_idf.get(g, top) / top for g, d in df.items()}
        self.titles: list[str] = []
        self.units: list[int] = []
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for pid, (p, tf) in enumerate(rows):
            vec = {g: (1 + math.log(c)) * self.idf[g] for g, c in tf.items()}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            for g, w in vec.items():
                self.postings[g].append((pid, w / norm))
            self.titles.append(p.title)
            self.units.append(p.unit_id)
        self.by_category: dict[str | None, Counter] = defaultdict(Counter)
        for p, _ in rows:
            self.by_category[p.category].update([p.unit_id])

    def neighbours(self, query_grams: list[str]) -> list[tuple[float, int]]:
        """(similarity, precedent index) of the closest precedents, best first."""
        if not self.size or not query_grams:
            return []
        tf = Counter(g for g in query_grams if g in self.idf)
        if not tf:
            return []
        q = {g: (1 + math.log(c)) * self.idf[g] for g, c in tf.items()}
        qn = math.sqrt(sum(w * w for w in q.values()))
        acc: dict[int, float] = defaultdict(float)
        for g, w in q.items():
            for pid, pw in self.postings[g]:
                acc[pid] += w * pw
        best = heapq.nlargest(NEIGHBOURS, ((s / qn, -pid) for pid, s in acc.items()))
        return [(s, -npid) for s, npid in best if s >= MIN_SIMILARITY]

    def votes(self, query_grams: list[str]) -> dict[int, tuple[float, int, str]]:
        """unit id -> (vote in [0, 1], how many close precedents, the closest one's title)."""
        near = self.neighbours(query_grams)
        out: dict[int, tuple[float, int, str]] = {}
        for s, pid in near:
            unit = self.units[pid]
            vote, count, example = out.get(unit, (0.0, 0, self.titles[pid]))
            out[unit] = (min(1.0, vote + s * s), count + 1, example)
        return out

    def category_shares(self, category: str | None) -> dict[int, tuple[float, int]]:
        """unit id -> (share of this category's precedents given to the unit, how many)."""
        counts = self.by_category.get(category) if category else None
        if not counts:
            return {}
        total = sum(counts.values())
        return {uid: (n / total, n) for uid, n in counts.items()}
