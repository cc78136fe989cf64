"""The category taxonomy comes from a file an operator can edit (config.yml's CATEGORIES_FILE)."""
from services.suggestion import taxonomy
from services.suggestion.rules import Rules, rules_from


def test_default_taxonomy_is_the_ten_classes_offices_use():
    table = rules_from({}).categories
    assert len(table) == 10 and table["transport"] == "交通邮电" and list(table)[-1] == "other"
    assert Rules().categories == table


def test_an_operator_file_replaces_it_and_names_map_to_codes(tmp_path):
    path = tmp_path / "categories.yml"
    path.write_text("health: 医疗卫生\nedu: 教育\n", encoding="utf-8")
    table = rules_from({"CATEGORIES_FILE": str(path)}).categories
    assert table == {"health": "医疗卫生", "edu": "教育"}
    assert taxonomy.code_for(table, "医疗卫生") == "health" and taxonomy.code_for(table, "edu") == "edu"
    assert taxonomy.code_for(table, "交通邮电") is None
