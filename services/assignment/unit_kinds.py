"""The kinds of government units (unit_kinds.yml) and recognising a unit's kind from its name.

kind_of("曲靖市沾益区住建局") -> "housing": the place prefix (省/市/区/县/旗/镇/乡/街道 … names) is
stripped, then the longest alias of any kind found in the rest wins (ties: the one written first).
A township's or street's government is told from a county's by the place suffix before
人民政府/办事处. Pure: no DB, no framework; the data is loaded once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DATA = HERE / "unit_kinds.yml"
DICTIONARY = HERE / "segment_dict.txt"

# organisations written before the place: 国网浙江省电力…, 国家税务总局曲靖市税务局, 中共XX县委…
ORG_PREFIXES = ("国家税务总局", "国家电网", "国网", "南方电网", "中国共产党", "中共")
# words that open a national body's name, never a place (国家统计局, 中国人民银行, 最高人民法院)
NATIONAL_HEADS = ("国家", "中国", "中华人民共和国", "最高")
# place-name endings, longest first (自治县 before 县)
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "林区", "地区", "街道", "苏木",
                  "新区", "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡")
# suffixes after which 人民政府/办事处 is a township's or street's (乡镇人民政府, 街道办事处)
TOWNSHIP_SUFFIXES = ("街道", "苏木", "镇", "乡")
# two-character words ending like a place that are not places
NOT_PLACES = frozenset({"国家市", "城市", "城乡", "市场", "乡村", "社区", "街区", "景区", "园区", "城区", "小区", "片区",
                        "辖区", "山区", "牧区", "老区", "市县", "省市", "县市", "州市", "区县", "乡镇", "城镇"})
# nor ends with these (公园城市|建设管理局, 某县|城乡|管理局)
NOT_PLACE_TAILS = frozenset({"城市", "市场", "城乡", "乡村", "社区", "园区", "景区", "小区", "片区", "辖区"})
# a place segment never holds these (they belong to a unit's name)
UNIT_CHARS = re.compile(r"[局委厅部办院所处站队室署]|政府|公司|集团|中心|协会|联合会|银行")
TERMINATOR = re.compile(r"[局委厅部院室处所站队办]|政府|公司|中心|集团")
_PAREN = re.compile(r"[（(][^（()）]*[)）]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class UnitKind:
    code: str
    name: str
    names: tuple[str, ...]
    levels: tuple[str, ...]
    duties: str
    keywords: tuple[str, ...]
    co_kinds: tuple[str, ...]
    sources: tuple[dict, ...]
    note: str = ""
    part_of: str | None = None      # the kind this one belongs to (交警支队 is part of 公安局)
    # matters deputies raise that this kind usually leads (路灯, 公墓, 地名命名 …): title words
    subjects: tuple[str, ...] = ()
    # words naming this kind's field inside a merged county bureau's name (教育|体育局, 农|水局)
    stems: tuple[str, ...] = ()


@cache
def kinds() -> dict[str, UnitKind]:
    """Every kind by code, in the file's order (loaded once)."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out: dict[str, UnitKind] = {}
    for k in raw["kinds"]:
        out[k["code"]] = UnitKind(
            code=k["code"], name=k["name"],
            names=tuple(dict.fromkeys([k["name"], *k.get("names", ())])),
            levels=tuple(k.get("levels", ())), duties=" ".join(k.get("duties", "").split()),
            keywords=tuple(dict.fromkeys(str(w) for w in k.get("keywords", ()))),
            co_kinds=tuple(k.get("co_kinds", ())),
            sources=tuple(dict(s) for s in k.get("sources", ())), note=k.get("note", ""),
            part_of=k.get("part_of"),
            subjects=tuple(dict.fromkeys(str(w) for w in k.get("subjects", ()))),
            stems=tuple(str(w) for w in k.get("stems", ())))
    return out


# the same unit at another level: 交通运输局 (city, county) / 交通运输厅 (province) / 交通运输部 (state) /
# 交通运输委员会 (Chongqing's districts); every written alias is also known in the other forms
LEVEL_FORMS = ("委员会", "局", "厅", "委", "部")
GENERIC_STEMS = frozenset({"管理", "开发区管理", "新区管理", "建设", "事务", "服务", "发展", "工作"})


def _variants(alias: str) -> list[str]:
    form = next((f for f in LEVEL_FORMS if alias.endswith(f)), None)
    stem = alias[: -len(form)] if form else ""
    if len(stem) < 2 or stem in GENERIC_STEMS:
        return []
    return [stem + f for f in LEVEL_FORMS if f != form]


@cache
def _aliases() -> tuple[tuple[str, str], ...]:
    """(alias, kind code), longest alias first. A written alias belongs to one kind (tested); a
    generated level variant is kept only when no other kind writes or generates it."""
    written = {a: code for code, k in kinds().items() for a in k.names}
    generated: dict[str, set[str]] = {}
    for a, code in written.items():
        for v in _variants(a):
            if v not in written:
                generated.setdefault(v, set()).add(code)
    pairs = dict(written)
    pairs.update({v: next(iter(cs)) for v, cs in generated.items() if len(cs) == 1})
    return tuple(sorted(pairs.items(), key=lambda p: -len(p[0])))


def _clean(name: str) -> str:
    return _SPACE.sub("", name or "")


def _occurrences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of every alias found in text."""
    found = []
    for alias, code in _aliases():
        i = text.find(alias)
        while i >= 0:
            found.append((i, i + len(alias), code))
            i = text.find(alias, i + 1)
    return found


def _place_segment(text: str, pos: int, spans) -> int:
    """End of the place segment starting at pos (e.g. 沾益区), or pos if none."""
    for end in range(pos + 2, min(len(text), pos + 12)):        # leave a non-empty rest
        seg = text[pos:end]
        if UNIT_CHARS.search(seg):
            return pos
        suffix = next((s for s in PLACE_SUFFIXES if seg.endswith(s)), None)
        if (suffix is None or len(seg) == len(suffix) or seg in NOT_PLACES or seg[-2:] in NOT_PLACE_TAILS
                or "和" in seg[1:]):
            continue
        # a place holds no alias (城市|管理局, 中国联通曲靖市), except a township's that begins at
        # its suffix (百善|镇人民政府, 枫溪|街道办事处)
        if any(s < end and e > pos and not (code == "township_government" and s >= end - len(suffix))
               for s, e, code in spans):
            continue
        # 通州|区, 新乡|市, 贵州|省: a name ending like a suffix is followed by the real one
        while (end < len(text) - 1 and seg[-1] in "州乡市" and text[end] in "省市区县镇旗"
               and not any(s == end for s, _, _ in spans)):
            end += 1
        return end
    return pos


def _split(name: str) -> tuple[str, str | None, str]:
    """(organisation prefix, place or None, rest)."""
    text = _clean(name)
    org = next((p for p in ORG_PREFIXES if text.startswith(p) and len(text) > len(p)), "")
    text = text[len(org):]
    spans = _occurrences(text)
    pos = 0
    while True:
        end = _place_segment(text, pos, spans)
        if end == pos:
            break
        pos = end
    if pos == 0 and spans:
        # no 省/市/县 form (国网上海嘉定供电公司, 兴隆台交警大队): the words before the first alias
        first = min(s for s, _, _ in spans)
        head = text[:first]
        if 2 <= len(head) <= 6 and not UNIT_CHARS.search(head) and not head.startswith(NATIONAL_HEADS):
            pos = first
    return org, (text[:pos] or None), text[pos:]


def place_of(unit_name: str) -> tuple[str | None, str]:
    """("曲靖市沾益区", "住建局") for "曲靖市沾益区住建局"; (None, name) when no place is written.
    An organisation prefix (国网, 国家税务总局, 中共) stays with the rest: ("上海嘉定", "国网供电公司")."""
    org, place, rest = _split(unit_name)
    return place, org + rest


def _best(text: str) -> str | None:
    """The alias that ends last wins (a sub-unit names the kind: 公安局|交通警察大队, 人民政府|办公室),
    the longest of those; in a merged bureau (教育体育和科学技术局) the field named first wins."""
    occ = _occurrences(text)
    if not occ:
        return None
    s, e, code = max(occ, key=lambda o: (o[1], o[1] - o[0]))
    # a field named earlier in the same bureau's name (文化旅游|广电|体育局, 教育体育|和|科学技术局):
    # no unit ending (局, 政府, 公司 …) between it and the winner
    first = [o for o in occ if o[1] <= s and not TERMINATOR.search(text[o[0]:s])]
    if first:
        s, e, code = min(first, key=lambda o: (o[0], -(o[1] - o[0])))
    return code


@cache
def kind_of(unit_name: str) -> str | None:
    """The kind code recognised from a unit's name, or None."""
    org, place, rest = _split(unit_name)
    township = place and next((s for s in TOWNSHIP_SUFFIXES if place.endswith(s)), None)
    for text in dict.fromkeys((_PAREN.sub("", rest), rest)):   # 发改局（粮食局）: the main name first
        if township:        # 百善镇|人民政府 -> 镇人民政府; 枫溪街道|办事处 -> 街道办事处
            code = _best(township + text)
            if code == "township_government":
                return code
        code = _best(text)
        if code:
            return code
    if org:
        return _best(org + rest)
    if rest.endswith(TOWNSHIP_SUFFIXES) and len(rest) > 2:    # a bare 仁德街道 / 杨林镇
        return "township_government"
    return None


@cache
def kinds_in(unit_name: str) -> tuple[str, ...]:
    """Every kind a unit's name says it does, the recognised kind first: a county's merged bureau
    does several (岳阳县教育体育局 -> education, sports; 宁陕县农水局 -> agriculture, water;
    弥勒市工业商务和信息化局 -> industry_it, commerce). The fields are the kinds' `stems` found in
    the bureau's own name (up to its first 局/委/厅 …); () when the name says no kind."""
    primary = kind_of(unit_name)
    if primary is None:
        return ()
    _, _, rest = _split(unit_name)
    own = _PAREN.sub("", rest)
    end = TERMINATOR.search(own)
    own = own[:end.end()] if end else own
    if not own.endswith(("局", "委", "委员会", "厅")):     # companies, governments, courts: one kind
        return (primary,)
    found = [primary]
    for code, k in kinds().items():
        if code not in found and any(stem in own for stem in k.stems):
            found.append(code)
    return tuple(found)


MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def level_of(unit_name: str) -> str | None:
    """The level a unit's name shows (a prefill for the registry), or None when the name cannot
    tell: a bare 宣威市 or 曲靖市 may be a county-level or a prefecture-level city.
    national: no place and 国家…/中国…/…部/…总局; provincial: 省, 自治区, a municipality's own
    bureaus (重庆市交通运输委员会); city: 州, 盟, 地区; county: 区, 县, 旗, a 市 under a 市 or 州,
    and townships."""
    org, place, rest = _split(unit_name)
    name = _clean(unit_name)
    if not place:
        if name.startswith(NATIONAL_HEADS) or re.search(r"部$|总局$|署$", rest):
            return "national"
        return None
    segments = []
    pos = 0
    while pos < len(place):
        end = _place_segment(place + "某", pos, [])
        if end == pos:
            break
        segments.append(place[pos:end])
        pos = end
    last = segments[-1] if segments else place
    if last.endswith(("省", "自治区", "特别行政区")) or (len(segments) == 1 and last in MUNICIPALITIES):
        return "provincial"
    if last.endswith(TOWNSHIP_SUFFIXES) or last.endswith(("区", "县", "旗")):
        return "county"
    if last.endswith(("自治州", "州", "盟", "地区")):
        return "city"
    if last.endswith("市") and len(segments) >= 2 and segments[-2].endswith(("市", "州", "盟", "地区")):
        return "county"                       # 曲靖市宣威市, 红河州弥勒市
    return None


def domain_dictionary() -> Path:
    """The jieba user dictionary of facility, matter and place-form words (word [freq] [tag])."""
    return DICTIONARY


# --- the domain dictionary's upkeep -----------------------------------------------------------
DICT_FLOOR = {"n": 3000, "nt": 1000, "ns": 1000}
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


def update_dictionary(freq_of=None) -> int:
    """Add every kind keyword (n) and alias (nt) of 2-8 Chinese characters that segment_dict.txt
    lacks, keeping its hand-written words; frequency = max(freq_of(word), floor of its tag).
    Returns the number of words added. `python -m services.assignment.unit_kinds` runs it with
    jieba's own frequencies when jieba is installed."""
    lines = [ln.split() for ln in DICTIONARY.read_text(encoding="utf-8").splitlines() if ln.strip()]
    have = {parts[0] for parts in lines}
    freq_of = freq_of or (lambda w: 0)
    added = []
    for k in kinds().values():
        for words, tag in ((k.keywords, "n"), (k.subjects, "n"), (k.names, "nt")):
            for w in words:
                if _HAN.match(w) and w not in have:
                    have.add(w)
                    added.append(f"{w} {max(int(freq_of(w) or 0), DICT_FLOOR[tag])} {tag}")
    if added:
        with DICTIONARY.open("a", encoding="utf-8") as f:
            f.write("\n".join(added) + "\n")
    return len(added)


if __name__ == "__main__":     # pragma: no cover - maintenance
    try:
        import jieba
        jieba.initialize()
        print(update_dictionary(jieba.get_FREQ), "words added")
    except ImportError:
        print(update_dictionary(), "words added (without jieba's frequencies)")
