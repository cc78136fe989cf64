"""The routing interface the service relies on (whatever ranker stands behind it)."""
from services.assignment.routing import Candidate, Precedent, RoutingModel, UnitProfile

UNITS = [UnitProfile(1, "市交通运输局", "公共交通、道路运输", ("公交", "地铁"), ("transport",)),
         UnitProfile(2, "市教育局", "教育", ("学校", "教师"), ("edu",)),
         UnitProfile(3, "市园林绿化局", "公园绿地", ("公园",), ("urban",))]


def test_a_unit_matching_category_and_keywords_ranks_first_and_scores_sort():
    ranked = RoutingModel.build(UNITS, []).rank("关于增开公交线路的建议", "", "transport")
    assert ranked and ranked[0].unit_id == 1 and isinstance(ranked[0], Candidate)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert all(isinstance(r, str) for r in ranked[0].reasons) and ranked[0].reasons


def test_limit_is_respected():
    assert len(RoutingModel.build(UNITS, []).rank("学校 公交 公园", "", "edu", limit=2)) <= 2


def test_precedents_raise_the_unit_the_office_chose_before():
    title = "关于在老旧小区周边建设口袋公园的建议"
    before = {c.unit_id: c.score for c in RoutingModel.build(UNITS, []).rank(title, "", "other")}
    model = RoutingModel.build(UNITS, [Precedent("关于在老旧小区周边建设口袋公园的建议", "other", 3)])
    after = {c.unit_id: c.score for c in model.rank(title, "", "other")}
    assert after.get(3, 0) > before.get(3, 0)
