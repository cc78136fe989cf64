"""Chinese-aware text rules: search terms and title similarity (pure).

Chinese has no spaces, so words cannot be split reliably without a dictionary.
Like the CJK analysers of search engines we index overlapping character
bigrams: a keyword of two or more characters occurs in a text only if all its
bigrams do, so a GIN index on the bigrams finds candidates and a substring
check confirms them. Runs of Latin letters and digits are indexed as lowercased
words (prefix-matched), since users type "5G" or "PM2.5" as such.
"""
import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKENS = re.compile(rf"[{_CJK}]+|[0-9A-Za-z]+")
_IS_CJK = re.compile(rf"[{_CJK}]")

# Words nearly every title has; they say nothing about what a suggestion is about.
_BOILERPLATE = ("关于", "的建议", "建议", "的意见", "意见", "进一步", "加强", "加大", "力度",
                "问题", "推进", "推动", "完善", "提升", "解决")


def _runs(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def token_runs(text: str) -> list[str]:
    """Runs of Chinese characters or of Latin letters and digits, in order."""
    return _runs(text)


def cjk_runs(text: str) -> list[str]:
    return [run for run in _runs(text) if _IS_CJK.match(run)]


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]


def search_terms(*texts: str) -> list[str]:
    """The distinct terms a suggestion is indexed under (sorted, for stable storage)."""
    terms: set[str] = set()
    for text in texts:
        for run in _runs(text):
            terms.update(bigrams(run) if _IS_CJK.match(run) else [run.lower()])
    return sorted(terms)


def query_terms(q: str) -> tuple[list[str], list[str]]:
    """(exact terms that must all be indexed, Latin word prefixes) for a keyword.

    A single Chinese character has no bigram: it yields no exact term and the
    caller falls back to a substring scan.
    """
    exact, prefixes = [], []
    for run in _runs(q):
        if _IS_CJK.match(run):
            if len(run) > 1:
                exact.extend(bigrams(run))
        else:
            prefixes.append(run.lower())
    return sorted(set(exact)), sorted(set(prefixes))


def _core(title: str) -> str:
    for word in _BOILERPLATE:
        title = title.replace(word, " ")
    return title


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of the titles' bigrams, boilerplate removed: 0 (unrelated) to 1."""
    left, right = set(search_terms(_core(a))), set(search_terms(_core(b)))
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def most_similar(title: str, candidates: list[tuple[int, str]], threshold: float = 0.3,
                 limit: int = 5) -> list[tuple[int, float]]:
    """Ids of the candidate titles most like ``title``, best first, above the threshold."""
    scored = [(cid, round(title_similarity(title, other), 3)) for cid, other in candidates]
    scored = [item for item in scored if item[1] >= threshold]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]
