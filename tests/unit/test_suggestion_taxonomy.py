"""The category taxonomy comes from a file an operator can edit."""
from services.suggestion import taxonomy


def test_default_taxonomy_is_the_ten_classes_offices_use():
    table = taxonomy.categories()
    assert len(table) == 10 and table["transport"] == "交通邮电" and list(table)[-1] == "other"


def test_an_operator_file_replaces_it_and_names_map_to_codes(tmp_path, monkeypatch):
    path = tmp_path / "categories.yml"
    path.write_text("health: 医疗卫生\nedu: 教育\n", encoding="utf-8")
    monkeypatch.setenv("SUGGESTION_CATEGORIES_FILE", str(path))
    assert taxonomy.categories() == {"health": "医疗卫生", "edu": "教育"}
    assert taxonomy.code_for("医疗卫生") == "health" and taxonomy.code_for("edu") == "edu"
    assert taxonomy.code_for("交通邮电") is None
