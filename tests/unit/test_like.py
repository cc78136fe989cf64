"""LIKE patterns built from user text (services/common/like.py)."""
from services.common.like import contains_pattern, escape_like, prefix_pattern


def test_wildcards_and_the_escape_character_are_escaped():
    assert escape_like("100%_a\\b") == "100\\%\\_a\\\\b"
    assert contains_pattern("%") == "%\\%%"
    assert contains_pattern("_") == "%\\_%"
    assert prefix_pattern("东%区/") == "东\\%区/%"
    assert contains_pattern("公交") == "%公交%"
