"""PLACEHOLDER routing ranker — replaced at merge by the real scoring module (issue 4, routing).

Only the interface is the contract: UnitProfile, Precedent, Candidate and
RoutingModel.build(units, precedents).rank(title, body, category, limit=5).
This stand-in scores category match, unit keywords found in the text, and past
assignments of the same category or sharing title words; nothing here is tuned.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitProfile:
    unit_id: int
    name: str
    duties: str
    keywords: tuple
    categories: tuple


@dataclass(frozen=True)
class Precedent:
    title: str
    category: str
    unit_id: int


@dataclass(frozen=True)
class Candidate:
    unit_id: int
    score: float
    reasons: list = field(default_factory=list)


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if not ch.isspace())
    return {text[i:i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class RoutingModel:
    units: tuple
    precedents: tuple

    @classmethod
    def build(cls, units, precedents) -> "RoutingModel":
        return cls(tuple(units), tuple(precedents))

    def rank(self, title: str, body: str, category: str, limit: int = 5) -> list[Candidate]:
        text = f"{title} {body or ''}"
        grams = _bigrams(title)
        candidates = []
        for unit in self.units:
            score, reasons = 0.0, []
            if category and category in unit.categories:
                score += 1.0
                reasons.append(f"职责分类包含 {category}")
            hits = [k for k in unit.keywords if k and k in text]
            if hits:
                score += 0.5 * len(hits)
                reasons.append(f"关键词命中：{'、'.join(hits)}")
            past = [p for p in self.precedents if p.unit_id == unit.unit_id]
            similar = [p for p in past if grams and len(grams & _bigrams(p.title)) / len(grams) >= 0.3]
            if similar:
                score += 0.8 * min(len(similar), 3)
                reasons.append(f"曾承办相似建议{len(similar)}件")
            same_category = [p for p in past if p.category == category]
            if same_category:
                score += 0.1 * min(len(same_category), 5)
                reasons.append(f"曾承办同类建议{len(same_category)}件")
            if score > 0:
                candidates.append(Candidate(unit.unit_id, round(score, 4), reasons))
        candidates.sort(key=lambda c: (-c.score, c.unit_id))
        return candidates[:limit]
