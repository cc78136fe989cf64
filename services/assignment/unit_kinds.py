"""STAND-IN for R2's unit_kinds module (issue 18): the same API with a handful of kinds, so the
assignment service can recognise a unit's kind at registration until R2's data (unit_kinds.yml)
lands; the merge takes R2's version of this file."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


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


_LEVELS = ("national", "provincial", "city", "county")
_KINDS = (
    ("transport", "交通运输局", ("交通运输局", "交通运输委员会", "交通运输厅", "交通局", "交运局", "交通运输部")),
    ("housing", "住房和城乡建设局", ("住房和城乡建设局", "住房城乡建设局", "住建局", "住房和城乡建设厅", "建设局")),
    ("health", "卫生健康委员会", ("卫生健康委员会", "卫生健康局", "卫健委", "卫健局", "卫生健康委")),
    ("education", "教育局", ("教育体育局", "教育局", "教育厅", "教体局", "教育委员会")),
    ("public_security", "公安局", ("公安局", "公安厅", "公安分局", "交警支队", "交警大队", "交通警察支队")),
    ("civil_affairs", "民政局", ("民政局", "民政厅")),
    ("agriculture", "农业农村局", ("农业农村局", "农业农村厅", "农业农村委员会", "农业局")),
    ("natural_resources", "自然资源和规划局", ("自然资源和规划局", "自然资源局", "自然资源厅")),
    ("urban_management", "城市管理局", ("城市管理综合行政执法局", "城市管理局", "城管局", "综合行政执法局")),
    ("power", "供电公司", ("供电公司", "供电局", "电力公司")),
    ("water_utility", "水务集团", ("水务集团", "自来水公司", "供水公司")),
)


@lru_cache(maxsize=1)
def kinds() -> dict[str, UnitKind]:
    return {code: UnitKind(code, name, names, _LEVELS, "", (), (), ()) for code, name, names in _KINDS}


def kind_of(unit_name: str) -> str | None:
    """The kind whose longest alias ends the name (or appears in it): "沾益区住建局" -> "housing"."""
    name = (unit_name or "").strip()
    best = None
    for kind in kinds().values():
        for alias in kind.names:
            if alias in name and (best is None or len(alias) > best[0]):
                best = (len(alias), kind.code)
    return best[1] if best else None


_PLACE = re.compile(r"^((?:[^省市区县]{1,8}省)?(?:[^省市区县]{1,8}(?:市|州|盟))?(?:[^省市区县]{1,8}(?:区|县|旗))?)")


def place_of(unit_name: str) -> tuple[str | None, str]:
    """("曲靖市沾益区", "住建局"): the place prefix and the rest."""
    name = (unit_name or "").strip()
    match = _PLACE.match(name)
    place = match.group(1) if match else ""
    if not place or place == name:
        return None, name
    return place, name[len(place):]


def domain_dictionary() -> Path:
    return Path(__file__).with_name("segment_dict.txt")
