"""The units' texts as an index: keywords (found as substrings of the title) and BM25 over
the words (jieba + the domain dictionary) of each unit's document.

A unit's document is its own name, keywords and duties plus, for each of its kinds (a merged
bureau has several), the kind's published duties, keywords and subjects
(services/assignment/unit_kinds.yml): a newly registered "示范市住建局" already knows what a 住建局
handles, and its own text adds to it. Built once per RoutingModel.
"""
from __future__ import annotations

import math
from collections import Counter

from services.assignment.routing_text import clauses, doc_grams, grams, normalise, short, words

# field weights in a unit's document (term frequency multipliers)
FIELD_WEIGHTS = {"keywords": 3.0, "name": 2.0, "duties": 1.0, "kind_keywords": 0.5, "kind_subjects": 0.5,
                 "kind_duties": 0.5}
KIND_KEYWORD_WEIGHT = 0.8  # a kind's keyword or subject found in a title counts 0.8 of the unit's own
K1, B = 1.2, 0.5
CHAR_WEIGHT = 0.0          # character bigrams of the title (measured: no gain over words, so off)
OOV_CHAR_WEIGHT = 0.15     # single characters of a title word no unit's document uses (殡仪馆 → 殡)
_NAME_AFFIXES = ("国家税务总局", "国网", "人民政府", "委员会", "办公室", "管理", "中心", "公司", "支队", "大队", "联合会",
                 "市", "局", "厅", "部")


def _name_core(name: str) -> str:
    core = normalise(name)
    for affix in _NAME_AFFIXES:
        core = core.replace(affix, " ")
    return core


class UnitIndex:
    def __init__(self, units, kinds_of_unit, kinds):
        """units: UnitProfile by unit id; kinds_of_unit: unit id -> its kind codes (a merged
        bureau has several); kinds: code -> UnitKind."""
        n = max(len(units), 1)
        self.keyword_units: dict[str, dict[int, float]] = {}     # keyword -> unit id -> 1 (own) / 0.8 (kind's)
        for u in units.values():
            its = [kinds[c] for c in kinds_of_unit.get(u.unit_id, ()) if c in kinds]
            kind_words = [w for k in its for w in (*k.keywords, *k.subjects)]
            for ks, w in ((u.keywords, 1.0), (kind_words, KIND_KEYWORD_WEIGHT)):
                for k in ks:
                    k = normalise(str(k)).strip()
                    if len(k) >= 2:   # a one-character keyword would match everywhere
                        d = self.keyword_units.setdefault(k, {})
                        d[u.unit_id] = max(d.get(u.unit_id, 0.0), w)
        # longer and rarer among the units = heavier; 1.0 for a two-character keyword of one unit
        self.keyword_weight = {k: (1 + 0.25 * (min(len(k), 6) - 2)) * math.log(1 + n / len(us)) / math.log(1 + n)
                               for k, us in self.keyword_units.items()}
        self.by_prefix: dict[str, list[str]] = {}                # first two characters -> keywords
        for k in self.keyword_units:
            self.by_prefix.setdefault(k[:2], []).append(k)
        doc_tf: dict[int, Counter] = {}
        char_tf: dict[int, Counter] = {}
        uni_tf: dict[int, Counter] = {}
        self.duty_text: dict[int, str] = {}
        for u in units.values():
            its = [kinds[c] for c in kinds_of_unit.get(u.unit_id, ()) if c in kinds]
            fields = [(" ".join(map(str, u.keywords)), FIELD_WEIGHTS["keywords"]),
                      (_name_core(u.name), FIELD_WEIGHTS["name"]), (u.duties, FIELD_WEIGHTS["duties"])]
            for kind in its:
                fields += [(" ".join(kind.keywords), FIELD_WEIGHTS["kind_keywords"]),
                           (" ".join(kind.subjects), FIELD_WEIGHTS["kind_subjects"]),
                           (kind.duties, FIELD_WEIGHTS["kind_duties"])]
            tf: Counter = Counter()
            ctf: Counter = Counter()
            for text, weight in fields:
                for g in words(text):
                    tf[g] += weight
                for g in doc_grams(text):
                    ctf[g] += weight
            utf: Counter = Counter()
            for w, c in tf.items():
                for ch in set(w):
                    utf[ch] += c
            doc_tf[u.unit_id] = tf
            char_tf[u.unit_id] = ctf
            uni_tf[u.unit_id] = utf
            self.duty_text[u.unit_id] = "；".join([u.duties or "", *(k.duties for k in its if k.duties not in (u.duties or ""))]).strip("；")
        self.idf, self.postings = _bm25_postings(doc_tf, n)       # word -> (unit id, BM25 term weight)
        self.char_idf, self.char_postings = _bm25_postings(char_tf, n)
        _, self.uni_postings = _bm25_postings(uni_tf, n)
        self.clauses = {uid: [(c, set(words(c))) for c in clauses(t)] for uid, t in self.duty_text.items()}
        self.by_category: dict[str, dict[int, float]] = {}       # category -> unit id -> 1 (main) / 0.6
        for u in units.values():
            for i, c in enumerate(u.categories):
                self.by_category.setdefault(c, {})[u.unit_id] = 1.0 if i == 0 else 0.6

    def _find(self, text: str) -> set[str]:
        found = {k for i in range(len(text)) for k in self.by_prefix.get(text[i:i + 2], ()) if text.startswith(k, i)}
        # a keyword inside a longer keyword found is not counted twice (公交 in 公交站台)
        return {k for k in found if not any(k != o and k in o for o in found)}

    def keywords(self, title: str, body: str, body_weight: float) -> dict[int, tuple[float, list[str]]]:
        """unit id -> (summed weight of its keywords found, those keywords)."""
        in_title = self._find(normalise(title))
        in_body = self._find(normalise(body)) - in_title if body else set()
        found: dict[int, tuple[float, list[str]]] = {}
        for k in sorted(in_title | in_body):
            w = self.keyword_weight[k] * (1 if k in in_title else body_weight)
            for uid, own in self.keyword_units[k].items():
                total, names = found.get(uid, (0.0, []))
                found[uid] = (total + w * own, names + [k])
        return found

    def bm25(self, query: Counter, title: str = "") -> dict[int, float]:
        """BM25 of the query's words, plus CHAR_WEIGHT × BM25 of the title's character bigrams."""
        scores: dict[int, float] = {}
        for g, qw in query.items():
            for uid, w in self.postings.get(g, ()):
                scores[uid] = scores.get(uid, 0.0) + qw * w
        if OOV_CHAR_WEIGHT:
            for g, qw in query.items():
                if g not in self.postings and not g.isascii():
                    for ch in set(g):
                        for uid, w in self.uni_postings.get(ch, ()):
                            scores[uid] = scores.get(uid, 0.0) + OOV_CHAR_WEIGHT * qw * w / len(g)
        if title and CHAR_WEIGHT:
            for g in set(grams(title)):
                for uid, w in self.char_postings.get(g, ()):
                    scores[uid] = scores.get(uid, 0.0) + CHAR_WEIGHT * w
        return scores

    def matched_words(self, uid: int, query: Counter, limit: int = 4) -> list[str]:
        """The query's words found in the unit's document, most telling first."""
        hits = [g for g in query if any(u == uid for u, _ in self.postings.get(g, ()))]
        hits = [g for g in hits if not any(g != o and g in o for o in hits)]
        return sorted(hits, key=lambda g: (-self.idf.get(g, 0), g))[:limit]

    def closest_duty(self, uid: int, query: Counter) -> str | None:
        """The clause of the unit's duties sharing the most (IDF-weighted) words with the query."""
        best, best_score = None, 0.0
        for c, cg in self.clauses.get(uid, ()):
            s = sum(self.idf.get(g, 0) for g in query if g in cg)
            if s > best_score:
                best, best_score = c, s
        return short(best, 30) if best else None


def _bm25_postings(doc_tf: dict[int, Counter], n: int):
    doc_len = {uid: sum(tf.values()) for uid, tf in doc_tf.items()}
    avg_len = (sum(doc_len.values()) / max(len(doc_len), 1)) or 1.0
    df = Counter(g for tf in doc_tf.values() for g in tf)
    idf = {g: math.log(1 + (n - d + 0.5) / (d + 0.5)) for g, d in df.items()}
    postings: dict[str, list[tuple[int, float]]] = {}
    for uid, tf in doc_tf.items():
        norm = K1 * (1 - B + B * doc_len[uid] / avg_len)
        for g, c in tf.items():
            postings.setdefault(g, []).append((uid, idf[g] * c * (K1 + 1) / (c + norm)))
    return idf, postings
