"""Category schemes per congress (issue 15): which scheme is in force, what makes one sound."""
from services.suggestion import domain, schemes
from services.suggestion.rules import Rules
from services.suggestion.schemes import Catalog, Category, Scheme

SHIYAN = Scheme(2, "十堰五届分类", "十堰五届", tuple(Category(c, n) for c, n in (
    ("politics", "政治建设"), ("economy", "经济建设"), ("culture", "文化建设"), ("society", "社会建设"),
    ("ecology", "生态文明建设"))) + (Category("old", "旧类别", active=False),))
SESSION_ONLY = Scheme(3, "十堰五届三次分类", "十堰五届三次", (Category("economy", "经济发展"),))
DEFAULT = Scheme(1, "默认分类", "", (Category("transport", "交通邮电"), Category("other", "其他")))
CATALOG = Catalog((DEFAULT, SHIYAN, SESSION_ONLY), schemes.builtin(Rules().categories))


def test_the_longest_congress_prefix_of_the_session_wins_else_the_default():
    assert CATALOG.in_force("十堰五届一次") is SHIYAN
    assert CATALOG.in_force("十堰五届三次") is SESSION_ONLY
    assert CATALOG.in_force("十六届三次") is DEFAULT and CATALOG.in_force(None) is DEFAULT
    assert CATALOG.in_force("五届十堰") is DEFAULT  # a prefix, not anywhere in the label


def test_without_a_stored_default_the_builtin_taxonomy_serves():
    catalog = Catalog((SHIYAN,), schemes.builtin(Rules().categories))
    scheme = catalog.in_force("十六届三次")
    assert scheme.id is None and scheme.active == Rules().categories and scheme.summary()["default"]


def test_a_category_is_valid_only_if_active_in_the_sessions_scheme():
    assert SHIYAN.category_error("economy", "十堰五届一次") is None
    unknown = SHIYAN.category_error("transport", "十堰五届一次")
    assert "unknown category" in unknown and "politics, economy, culture, society, ecology" in unknown
    assert "retired" in SHIYAN.category_error("old", "十堰五届一次")
    assert list(SHIYAN.active) == ["politics", "economy", "culture", "society", "ecology"]


def test_retired_categories_keep_their_names_for_old_suggestions():
    assert CATALOG.name("十堰五届二次", "old") == "旧类别"
    assert CATALOG.name("十堰五届三次", "economy") == "经济发展"  # the session's own scheme names it
    assert CATALOG.name("十六届三次", "economy") is None
    assert [c["code"] for c in SHIYAN.as_dict(retired=False)["categories"]] == list(SHIYAN.active)


def test_a_sound_scheme_has_distinct_codes_two_levels_and_an_active_category():
    good = [{"code": "economy", "name": "经济建设"}, {"code": "industry", "name": "工业", "parent": "economy"}]
    assert schemes.scheme_errors(good) == []
    bad = [{"code": "a", "name": "甲"}, {"code": "a", "name": "乙"}, {"code": "b", "name": "丙", "parent": "x"},
           {"code": "c", "name": "丁", "parent": "c"}, {"code": "d", "name": "戊", "parent": "e"},
           {"code": "e", "name": "己", "parent": "a"}]
    fields = [f for f, _ in schemes.scheme_errors(bad)]
    assert fields == ["categories.0.code", "categories.1.code", "categories.2.parent", "categories.3.parent",
                      "categories.4.parent"]
    assert schemes.scheme_errors([{"code": "a", "name": "甲", "active": False}]) == [
        ("categories", "at least one category must be active")]


def test_an_update_keeps_the_categories_it_leaves_out_retired():
    after = schemes.merged(list(SHIYAN.categories), [{"code": "economy", "name": "经济高质量发展", "active": True},
                                                     {"code": "rule", "name": "法治建设", "active": True}])
    assert [(c["code"], c["active"]) for c in after] == [
        ("economy", True), ("rule", True), ("politics", False), ("culture", False), ("society", False),
        ("ecology", False), ("old", False)]
    assert after[0]["name"] == "经济高质量发展"


def test_a_draft_from_an_opinion_takes_a_category_of_the_scheme():
    assert domain.draft_category("transport", ["transport", "other"]) == "transport"
    assert domain.draft_category("space", ["transport", "other"]) == "other"
    assert domain.draft_category(None, ["politics", "economy"]) == "politics"


def test_routing_ranks_a_suggestion_whose_category_it_has_never_seen():
    """Assignment routing reads category codes from events: a scheme's new code must not break it."""
    from services.assignment.routing import Precedent, RoutingModel, UnitProfile
    model = RoutingModel.build([UnitProfile(1, "市交通运输局", "公交线路", ("公交",), ("transport",)),
                                UnitProfile(2, "市生态环境局", "环境保护", ("污染",), ("eco",))],
                               [Precedent("关于公交线路的建议", "transport", 1)])
    ranked = model.rank("关于增开公交线路的建议", "增开公交", "economy")
    assert ranked and ranked[0].unit_id == 1


def test_a_category_name_is_looked_up_once_per_session_and_catalog(monkeypatch):
    """views.to_dict asks for every row of a page: the scheme in force is found once per session
    label, each scheme's names made once (issue 19), and the names are as before."""
    catalog = Catalog((DEFAULT, SHIYAN, SESSION_ONLY), schemes.builtin(Rules().categories))
    looked_up = []
    real = Catalog.in_force
    monkeypatch.setattr(Catalog, "in_force", lambda self, session: looked_up.append(session) or real(self, session))
    names = [catalog.name(session, code) for session, code in
             [("十堰五届一次", "economy"), ("十堰五届三次", "economy"), ("十堰五届一次", "old"), ("十六届三次", "transport"),
              ("十堰五届一次", "economy"), ("十六届三次", "nope"), (None, "other")] * 3]
    assert names == ["经济建设", "经济发展", "旧类别", "交通邮电", "经济建设", None, "其他"] * 3
    assert looked_up == ["十堰五届一次", "十堰五届三次", "十六届三次", None]
    assert SHIYAN.names is SHIYAN.names
