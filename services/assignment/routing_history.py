"""The office's past confirmed assignments as a nearest-neighbour index and as learned words.

Each precedent title becomes a binary TF-IDF vector of its grams (IDF of the units' texts); a
query finds its most similar precedents through an inverted index (cosine), and each
neighbour votes for the unit it was given to. A title rarely has a near twin among another
year's suggestions, so each unit also learns the words of the titles it was given
(``learned``): a title's words seen on a unit's precedents are evidence for it even when no
one precedent is close. Also counts, per category, which units the office chose (a prior when
the suggestion's category is known). Pure standard library.
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
        self.top_idf = top
        self.base_idf = base_idf
        self.unit_words: dict[int, Counter] = defaultdict(Counter)   # unit -> word -> its precedents using it
        for p, gs in rows:
            self.unit_words[p.unit_id].update(gs)
        self.units_of_word: dict[str, list[int]] = defaultdict(list)
        for uid, ws in self.unit_words.items():
            for g in ws:
                self.units_of_word[g].append(uid)

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

    def learned(self, query_grams: list[str]) -> dict[int, float]:
        """unit id -> the IDF-weighted share of the query's words seen on the unit's precedents,
        each damped n/(n+1) by how many of them used it (once is a hint, a habit counts fully)."""
        q = set(query_grams)
        if not q or not self.size:
            return {}
        weight = {g: self.base_idf.get(g, self.top_idf) for g in q}
        total = sum(weight.values()) or 1.0
        out: dict[int, float] = defaultdict(float)
        for g in q:
            for uid in self.units_of_word.get(g, ()):
                n = self.unit_words[uid][g]
                out[uid] += weight[g] * n / (n + 1) / total
        return dict(out)

    def seen_words(self, uid: int, query_grams, limit: int = 3) -> list[str]:
        """The query's words the unit's precedents used, most often first (a reason to show)."""
        ws = self.unit_words.get(uid)
        if not ws:
            return []
        hits = sorted((g for g in set(query_grams) if ws[g]), key=lambda g: (-ws[g], g))
        return hits[:limit]

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
