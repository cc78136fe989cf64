"""The units' own texts as an index: keywords (found as substrings) and BM25 over bigrams
of name + keywords + duties; plus each unit's categories and its duty clauses (for the
职责相近 reason). Pure standard library; built once per RoutingModel."""
from __future__ import annotations

import math
from collections import Counter

from services.assignment.routing_text import clauses, doc_grams, normalise, short

FIELD_WEIGHTS = {"keywords": 3, "name": 2, "duties": 1}
K1, B = 1.2, 0.75
_NAME_AFFIXES = ("国家税务总局", "国网", "市", "局", "委员会", "办公室", "管理", "中心", "公司", "支队", "联合会")


def _name_core(name: str) -> str:
    core = normalise(name)
    for affix in _NAME_AFFIXES:
        core = core.replace(affix, " ")
    return core


class UnitIndex:
    def __init__(self, units):
        """units: UnitProfile by unit id."""
        n = max(len(units), 1)
        self.keyword_units: dict[str, list[int]] = {}            # keyword -> unit ids listing it
        for u in units.values():
            for k in dict.fromkeys(normalise(str(k)).strip() for k in u.keywords):
                if len(k) >= 2:   # a one-character keyword would match everywhere
                    self.keyword_units.setdefault(k, []).append(u.unit_id)
        # longer and rarer among the units = heavier; 1.0 for a two-character keyword of one unit
        self.keyword_weight = {k: (1 + 0.25 * (len(k) - 2)) * math.log(1 + n / len(us)) / math.log(1 + n)
                               for k, us in self.keyword_units.items()}
        self.by_prefix: dict[str, list[str]] = {}                # first two characters -> keywords
        for k in self.keyword_units:
            self.by_prefix.setdefault(k[:2], []).append(k)
        doc_tf: dict[int, Counter] = {}
        for u in units.values():
            tf: Counter = Counter()
            for text, weight in ((" ".join(map(str, u.keywords)), FIELD_WEIGHTS["keywords"]),
                                 (_name_core(u.name), FIELD_WEIGHTS["name"]), (u.duties, FIELD_WEIGHTS["duties"])):
                for g in doc_grams(text):
                    tf[g] += weight
            doc_tf[u.unit_id] = tf
        doc_len = {uid: sum(tf.values()) for uid, tf in doc_tf.items()}
        avg_len = (sum(doc_len.values()) / n) or 1.0
        df = Counter(g for tf in doc_tf.values() for g in tf)
        self.idf = {g: math.log(1 + (n - d + 0.5) / (d + 0.5)) for g, d in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = {}   # gram -> (unit id, BM25 term weight)
        for uid, tf in doc_tf.items():
            norm = K1 * (1 - B + B * doc_len[uid] / avg_len)
            for g, c in tf.items():
                self.postings.setdefault(g, []).append((uid, self.idf[g] * c * (K1 + 1) / (c + norm)))
        self.clauses = {u.unit_id: [(c, set(doc_grams(c))) for c in clauses(u.duties)] for u in units.values()}
        self.by_category: dict[str, dict[int, float]] = {}       # category -> unit id -> 1 (main) / 0.6
        for u in units.values():
            for i, c in enumerate(u.categories):
                self.by_category.setdefault(c, {})[u.unit_id] = 1.0 if i == 0 else 0.6

    def _find(self, text: str) -> set[str]:
        return {k for i in range(len(text)) for k in self.by_prefix.get(text[i:i + 2], ()) if text.startswith(k, i)}

    def keywords(self, title: str, body: str, body_weight: float) -> dict[int, tuple[float, list[str]]]:
        """unit id -> (summed weight of its keywords found, those keywords)."""
        in_title = self._find(normalise(title))
        in_body = self._find(normalise(body)) - in_title if body else set()
        found: dict[int, tuple[float, list[str]]] = {}
        for k in sorted(in_title | in_body):
            w = self.keyword_weight[k] * (1 if k in in_title else body_weight)
            for uid in self.keyword_units[k]:
                total, names = found.get(uid, (0.0, []))
                found[uid] = (total + w, names + [k])
        return found

    def bm25(self, query: Counter) -> dict[int, float]:
        scores: dict[int, float] = {}
        for g, qw in query.items():
            for uid, w in self.postings.get(g, ()):
                scores[uid] = scores.get(uid, 0.0) + qw * w
        return scores

    def closest_duty(self, uid: int, query: Counter) -> str | None:
        """The clause of the unit's duties sharing the most (IDF-weighted) grams with the query."""
        best, best_score = None, 0.0
        for c, cg in self.clauses.get(uid, ()):
            s = sum(self.idf.get(g, 0) for g in query if g in cg)
            if s > best_score:
                best, best_score = c, s
        return short(best) if best else None
