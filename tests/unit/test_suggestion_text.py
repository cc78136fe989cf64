"""Chinese keyword terms and title similarity."""
from services.suggestion.text import most_similar, query_terms, search_terms, title_similarity


def test_chinese_is_indexed_as_bigrams_and_latin_as_words():
    terms = search_terms("公交出行", "推广5G网络")
    assert {"公交", "交出", "出行", "推广", "网络", "5g"} <= set(terms)
    assert "广网" not in terms and terms == sorted(set(terms))


def test_a_keyword_is_found_only_if_all_its_bigrams_are_indexed():
    indexed = set(search_terms("关于加大城区幼儿园建设力度的建议", ""))
    exact, latin = query_terms("幼儿园")
    assert exact == ["儿园", "幼儿"] and latin == []
    assert set(exact) <= indexed
    assert not set(query_terms("养老院")[0]) <= indexed


def test_a_single_character_has_no_term_and_latin_is_lowercased():
    assert query_terms("水") == ([], [])
    assert query_terms("APP 停车") == (["停车"], ["app"])


def test_similar_titles_score_high_and_unrelated_zero():
    bus = "关于解决某小区居民公交出行问题的建议"
    assert title_similarity(bus, "关于改善小区居民公交出行条件的建议") > 0.6
    assert title_similarity(bus, "关于加大城区幼儿园建设力度的建议") == 0
    # boilerplate such as 关于…的建议 alone does not make titles alike
    assert title_similarity("关于加强管理的建议", "关于加强服务的建议") < 0.3


def test_most_similar_ranks_above_a_threshold():
    candidates = [(1, "关于加快城区幼儿园建设的建议"), (2, "关于治理河道污染的建议"),
                  (3, "关于增加城区公办幼儿园学位的建议")]
    hits = most_similar("关于加大城区幼儿园建设力度的建议", candidates)
    assert [i for i, _ in hits] == [1, 3]
    assert hits[0][1] >= hits[1][1]


def test_only_a_word_that_is_one_whole_term_skips_the_substring_check():
    from services.suggestion.views import _needs_recheck

    assert [w for w in ("公交", "5G", "幼儿园", "5G网络", "PM2.5", "公交-出行") if _needs_recheck(w)] == [
        "幼儿园", "5G网络", "PM2.5", "公交-出行"]
