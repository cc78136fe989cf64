"""Text features for routing: normalising, boilerplate, character grams and (words()) jieba's words.

A title is normalised (NFKC, lower case), its boilerplate (关于, 的建议, 进一步, 加大, 问题 …)
is cut out and becomes a break, and what is left is split into runs of Chinese characters
and of ASCII letters/digits. Features are the character bigrams of each Chinese run (a
one-character run gives its unigram) and each ASCII token whole ("5g", "12345", "hpv").
Pure standard library.
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from operator import add

CATEGORY_LABELS = {
    "edu": "教科文卫体", "transport": "交通邮电", "agri": "农林水利", "industry": "工业经济",
    "urban": "城乡建设与管理", "finance": "财政金融", "law": "政治法律", "civil": "民政社会",
    "eco": "生态环境", "other": "其他",
}

# Phrases that say nothing about who handles a suggestion. Longest first when cut.
BOILERPLATE = sorted({
    "关于", "的建议", "建议", "的意见", "意见", "的议案", "的请求", "请求", "进一步", "加大", "加强", "加快",
    "力度", "问题", "解决", "推进", "推动", "完善", "提升", "提高", "优化", "规范", "促进", "切实", "全面",
    "深化", "深入", "大力", "积极", "尽快", "持续", "着力", "努力", "有效", "不断", "某", "我市", "全市",
    "本市", "市区", "城区", "工作", "机制", "体系", "水平", "能力", "质量", "管理", "建设", "发展", "相关",
    "有关", "实施", "开展", "落实", "支持", "保障", "服务", "做好", "健全", "强化", "扩大", "增加", "增设",
    "设置", "整治", "治理", "新建", "建立", "设立", "打造", "构建", "引导", "鼓励", "探索", "实行", "推广",
    "出台", "制定", "研究", "合理", "科学", "逐步", "统筹", "的", "和", "与", "等",
}, key=len, reverse=True)
_BOILERPLATE_RE = re.compile("|".join(re.escape(p) for p in BOILERPLATE))
_RUN_RE = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")
_CLAUSE_RE = re.compile(r"[，。；、：,.;:（）()“”\"]+")
_WRAPPED_RE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def clean(text: str) -> str:
    """The title without its boilerplate; cut phrases become spaces (breaks)."""
    return _BOILERPLATE_RE.sub(" ", normalise(text))


def runs(text: str) -> list[str]:
    return _RUN_RE.findall(text)


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in runs(text):
        if run.isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(map(add, run, run[1:]))
    return out


def grams(text: str) -> list[str]:
    """Bigrams of every Chinese run of the cleaned text (unigram for a single character),
    ASCII tokens whole."""
    return _bigrams(clean(text))


def doc_grams(text: str) -> list[str]:
    """Grams of a unit's own text (duties, name, keywords): only normalised, nothing cut,
    so that what a title keeps after cleaning can still be found in it."""
    return _bigrams(normalise(text))


def clauses(text: str) -> list[str]:
    """A duty statement cut into its clauses, for the 职责相近 reason."""
    joined = _WRAPPED_RE.sub("", normalise(text))       # a line wrapped inside a clause
    return [c.strip() for c in _CLAUSE_RE.split(joined) if len(c.strip()) >= 2]


def short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- word segmentation (jieba + the domain dictionary) ---------------------------------------
STOPWORDS = frozenset(BOILERPLATE) | frozenset(
    "的 了 和 与 及 或 在 对 为 把 将 让 使 给 从 向 由 于 中 上 下 内 外 后 前 等 各 其 该 此 有 无 是 不 也 要 能 可 "
    "一个 一些 方面 情况 措施 对策 办法 力度 步伐 政策 项目 建议案 代表 人大 政府 部门 单位 地区 区域 群众 人民 "
    "老百姓 我县 我区 本县 本区 全县 全区 全省 我省 县城 市民 居民 进行 给予 予以 实现 确保 有关部门 相关部门 "
    "存在 需要 亟待 亟需 急需 困难 难题 当前 目前 新时代 高质量 助力 现状 思考 几点 若干 重视 关注 加以 继续 尽早".split())


@functools.cache
def segmenter():
    """jieba's tokenizer with the domain dictionary (segment_dict.txt) and every kind keyword as a
    word, built once per process; None when jieba is not installed (words() then uses bigrams)."""
    try:
        import jieba
    except ImportError:          # pragma: no cover - jieba is in requirements.lock
        return None
    jieba.setLogLevel(logging.WARNING)
    from services.assignment.unit_kinds import domain_dictionary, kinds
    seg = jieba.Tokenizer()
    seg.initialize()
    seg.load_userdict(str(domain_dictionary()))
    for k in kinds().values():
        for w in (*k.keywords, *k.subjects):
            if 2 <= len(w) <= 8 and not seg.FREQ.get(w):
                seg.add_word(w, 50)
    return seg


@functools.lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    """Content words of a text: jieba's words, each long word also with the dictionary words it
    begins or ends with (交通信号灯 → 交通, 信号灯), without stop words, punctuation and single
    characters. Falls back to bigrams. A word found only inside a longer one is not taken:
    jieba's search mode would give 通信 inside 交通信号灯, a telecom word in a traffic title.
    Cached: every unit of a kind shares the kind's texts."""
    seg = segmenter()
    norm = normalise(text)
    if seg is None:
        return tuple(_bigrams(clean(norm)))
    out = []
    for w in seg.cut(norm):
        w = w.strip()
        parts = [w]
        if len(w) > 2:
            parts += [p for n in range(len(w) - 1, 1, -1) for p in (w[:n], w[-n:]) if seg.FREQ.get(p)]
        for p in parts:
            if len(p) >= 2 and p not in STOPWORDS and _RUN_RE.fullmatch(p):
                out.append(p)
    return tuple(out)
