"""Routing recommendation: which handling unit should lead a suggestion.

Pure Python (standard library only). `RoutingModel.build(units, precedents)` indexes the
units' own text and the office's past confirmed assignments; `rank(title, body,
category)` returns candidates best first.

Score (0..1, higher is better; a weighted blend of evidence, not a probability):
  W_KEYWORD  · keyword evidence   1 - exp(-Σ weight of the unit's keywords found in the text)
  W_TEXT     · text similarity    1 - exp(-BM25(title grams → name+keywords+duties) / TEXT_SCALE)
  W_CATEGORY · category           1 for the unit's main category, 0.6 for another of its own,
                                   plus the share of that category the office gave the unit
  W_HISTORY  · precedents         nearest past titles' votes (similarity-weighted, routing_history)
The weights sum to 1. Ties are broken by unit id, so a ranking is deterministic.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from services.assignment.routing_history import History
from services.assignment.routing_text import CATEGORY_LABELS, clauses, doc_grams, grams, normalise, short

W_KEYWORD, W_TEXT, W_CATEGORY, W_HISTORY = 0.30, 0.25, 0.15, 0.30
TEXT_SCALE = 6.0
BODY_WEIGHT = 0.3          # the body counts less than the title
FIELD_WEIGHTS = {"keywords": 3, "name": 2, "duties": 1}
K1, B = 1.2, 0.75
_NAME_AFFIXES = ("国家税务总局", "国网", "市", "局", "委员会", "办公室", "管理", "中心", "公司", "支队", "联合会")


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


def _name_core(name: str) -> str:
    core = normalise(name)
    for affix in _NAME_AFFIXES:
        core = core.replace(affix, " ")
    return core


class RoutingModel:
    def __init__(self, units, history: History, keyword_weight, keyword_units, doc_tf, doc_len, idf, avg_len):
        self.units = units
        self.history = history
        self.keyword_weight = keyword_weight    # keyword -> weight (rarer among units = heavier)
        self.keyword_units = keyword_units      # keyword -> unit ids listing it
        self.idf = idf
        self.postings: dict[str, list[tuple[int, float]]] = {}   # gram -> (unit id, BM25 term weight)
        for uid, tf in doc_tf.items():
            norm = K1 * (1 - B + B * doc_len[uid] / avg_len)
            for g, c in tf.items():
                self.postings.setdefault(g, []).append((uid, idf[g] * c * (K1 + 1) / (c + norm)))
        self.by_prefix: dict[str, list[str]] = {}               # first two characters -> keywords
        for k in keyword_units:
            self.by_prefix.setdefault(k[:2], []).append(k)
        self.clauses = {u.unit_id: [(c, set(doc_grams(c))) for c in clauses(u.duties)] for u in units.values()}
        self.by_category: dict[str, dict[int, float]] = {}   # category -> unit id -> 1 (main) / 0.6 (other)
        for u in units.values():
            for i, c in enumerate(u.categories):
                self.by_category.setdefault(c, {})[u.unit_id] = 1.0 if i == 0 else 0.6

    @classmethod
    def build(cls, units, precedents=()) -> "RoutingModel":
        units = {u.unit_id: u for u in sorted(units, key=lambda u: u.unit_id)}
        keyword_units: dict[str, list[int]] = {}
        for u in units.values():
            for k in dict.fromkeys(normalise(k).strip() for k in u.keywords):
                if len(k) >= 2:   # a one-character keyword would match everywhere
                    keyword_units.setdefault(k, []).append(u.unit_id)
        n = max(len(units), 1)
        keyword_weight = {k: (1 + 0.25 * (len(k) - 2)) * math.log(1 + n / len(us)) / math.log(1 + n)
                          for k, us in keyword_units.items()}
        doc_tf: dict[int, Counter] = {}
        for u in units.values():
            tf: Counter = Counter()
            for text, weight in ((" ".join(u.keywords), FIELD_WEIGHTS["keywords"]),
                                 (_name_core(u.name), FIELD_WEIGHTS["name"]), (u.duties, FIELD_WEIGHTS["duties"])):
                for g in doc_grams(text):
                    tf[g] += weight
            doc_tf[u.unit_id] = tf
        doc_len = {uid: sum(tf.values()) for uid, tf in doc_tf.items()}
        df = Counter(g for tf in doc_tf.values() for g in tf)
        idf = {g: math.log(1 + (n - d + 0.5) / (d + 0.5)) for g, d in df.items()}
        avg_len = sum(doc_len.values()) / n if doc_len else 1.0
        history = History(precedents, set(units), idf)
        return cls(units, history, keyword_weight, keyword_units, doc_tf, doc_len, idf, avg_len)

    def _find_keywords(self, text: str) -> set[str]:
        return {k for i in range(len(text)) for k in self.by_prefix.get(text[i:i + 2], ()) if text.startswith(k, i)}

    def _keywords(self, title: str, body: str) -> dict[int, tuple[float, list[str]]]:
        in_title = self._find_keywords(normalise(title))
        in_body = self._find_keywords(normalise(body)) - in_title if body else set()
        found: dict[int, tuple[float, list[str]]] = {}
        for k in sorted(in_title | in_body):
            w = self.keyword_weight[k] * (1 if k in in_title else BODY_WEIGHT)
            for uid in self.keyword_units[k]:
                total, names = found.get(uid, (0.0, []))
                found[uid] = (total + w, names + [k])
        return found

    def _bm25(self, query: Counter) -> dict[int, float]:
        scores: dict[int, float] = {}
        for g, qw in query.items():
            for uid, w in self.postings.get(g, ()):
                scores[uid] = scores.get(uid, 0.0) + qw * w
        return scores

    def _duty_reason(self, uid: int, query: Counter) -> str | None:
        best, best_score = None, 0.0
        for c, cg in self.clauses[uid]:
            s = sum(self.idf.get(g, 0) for g in query if g in cg)
            if s > best_score:
                best, best_score = c, s
        return f"职责相近：{short(best)}" if best else None

    def rank(self, title: str, body: str = "", category: str | None = None, limit: int = 5) -> list[Candidate]:
        query: Counter = Counter(grams(title))
        for g in grams(body):
            query[g] += BODY_WEIGHT
        keywords = self._keywords(title, body)
        text = self._bm25(query)
        votes = self.history.votes(grams(title) + grams(body))
        cats = self.by_category.get(category, {}) if category else {}
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
            reason = self._duty_reason(uid, query)
            if reason:
                reasons.append(reason)
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
