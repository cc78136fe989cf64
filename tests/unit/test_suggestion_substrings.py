"""Issue 19: a Chinese keyword search may be answered by substring tests of the newest rows
(views.substring_condition); they must search where keyword_condition searches."""
from sqlalchemy.dialects import postgresql

from services.suggestion.views import keyword_condition, substring_condition


def columns(condition) -> set[str]:
    sql = str(condition.compile(dialect=postgresql.dialect()))
    return {c for c in ("title", "body", "search_terms") if f"suggestions.{c} " in sql}


def test_a_chinese_word_of_two_or_more_characters_is_looked_for_in_title_and_body():
    for q in ("公交", "幼儿园", "老旧小区 加装电梯", "公交。水"):
        assert columns(substring_condition(q)) == {"title", "body"}, q
        assert "search_terms" in columns(keyword_condition(q)), q


def test_without_a_bigram_both_look_in_titles_only():
    for q in ("水", "水。", "%%"):
        assert columns(substring_condition(q)) == columns(keyword_condition(q)) == {"title"}, q


def test_a_latin_word_is_left_to_the_index_terms():
    for q in ("5G", "公交 5G", "PM2.5", "3号线"):
        assert substring_condition(q) is None, q
