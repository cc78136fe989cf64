"""Masking personal data in what the public site shows (pure rules, no I/O).

A reply or a suggestion's body may carry a phone number, an ID-card number, a bank card,
an e-mail address or a home address that was written for the office, not the public.
``redact(text)`` finds them and masks them; the spans it returns (kind, where, what was
there, what replaces it) are what the office reviews before publishing.

Pragmatic patterns, tested on realistic Chinese text: a false positive costs a few ``*``
in a public text (the office can pass its own text), a miss publishes someone's number.
Full-width digits (１３８…) are read as ASCII ones.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

SEP = r"[ \-－]?"
ID_18 = r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
ID_15 = r"(?<!\d)[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"
BANK_CARD = r"(?<!\d)\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?(?!\d)"  # 16–19 digits, grouped or not
MOBILE = rf"(?<![\d+])(?:(?:\+|00)?86{SEP})?1[3-9]\d{SEP}\d{{4}}{SEP}\d{{4}}(?!\d)"
LANDLINE = r"(?<!\d)(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[ \-－])[2-9]\d{2,3}[ \-]?\d{4}(?:[-－转]\d{1,5})?(?!\d)"
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# A house number after a road/lane name (…路12号, …巷3号之1), or two or more building parts
# (3栋2单元501室, 5号楼302室); the name stays, the numbers are masked. "第0001号" and "3号线" are not.
_PART = r"\d+(?:号楼|号院|栋|幢|座|单元|层|楼|室|户)"
ADDRESS = (rf"(?<=[路街巷弄道里村])\d+(?:-\d+)?号(?:之\d+)?(?:{_PART})*"
           rf"|(?<![\d第]){_PART}(?:{_PART})+")

# priority order: a longer, more specific match wins where two overlap
PATTERNS = (("id_card", ID_18), ("id_card", ID_15), ("bank_card", BANK_CARD), ("mobile", MOBILE),
            ("landline", LANDLINE), ("email", EMAIL), ("address", ADDRESS))
FULL_WIDTH = str.maketrans("０１２３４５６７８９＠．", "0123456789@.")  # one character each: offsets hold
KINDS = tuple(dict.fromkeys(kind for kind, _ in PATTERNS))
COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in PATTERNS)


@dataclass(frozen=True)
class Span:
    kind: str
    start: int  # in the original text
    end: int
    original: str
    masked: str


def _keep(digits: str, head: int, tail: int) -> str:
    return digits[:head] + "*" * max(len(digits) - head - tail, 4) + (digits[-tail:] if tail else "")


def mask(kind: str, found: str) -> str:
    digits = re.sub(r"\D", "", found)
    if kind == "mobile":
        return _keep(digits[-11:], 3, 4)               # 138****5678
    if kind == "id_card":
        return found[:-4] + "****"                     # 11010519491231****
    if kind == "bank_card":
        return _keep(digits, 4, 4)                     # 6222********1234
    if kind == "landline":
        area = re.match(r"[(（]?(0\d{2,3})", found).group(1)
        return f"{area}-{'*' * (len(digits) - len(area))}"  # 010-********
    if kind == "email":
        local, domain = found.split("@", 1)
        return f"{local[0]}***@{domain}"               # z***@example.cn
    return re.sub(r"\d", "*", found)                   # 建设路**号*栋*单元***室


def find(text: str) -> list[Span]:
    """Every span to mask, in text order; where patterns overlap the earlier kind in PATTERNS wins."""
    spans: list[Span] = []
    plain = text.translate(FULL_WIDTH)
    for kind, pattern in COMPILED:
        for m in pattern.finditer(plain):
            if any(m.start() < s.end and s.start < m.end() for s in spans):
                continue
            spans.append(Span(kind, m.start(), m.end(), text[m.start():m.end()], mask(kind, m.group())))
    return sorted(spans, key=lambda s: s.start)


def apply(text: str, spans: list[Span]) -> str:
    out, at = [], 0
    for s in spans:
        out += [text[at:s.start], s.masked]
        at = s.end
    return "".join(out) + text[at:]


def redact(text: str | None) -> tuple[str | None, list[Span]]:
    """(the text as it may be published, the spans masked in it)."""
    if not text:
        return text, []
    spans = find(text)
    return apply(text, spans), spans


def shown(published: str | None, original: str | None) -> str | None:
    """What the public site shows: the reviewed text, else the original masked (never as written)."""
    if published is not None:
        return published
    return _masked(original) if original else original


@lru_cache(maxsize=1024)
def _masked(text: str) -> str:
    """redact(text)'s text, kept for the texts read again: the public list masks every unreviewed
    title, body and reply on each read (~10 ms of the service's CPU for a page of 20)."""
    return redact(text)[0]
