"""Pure rules of the deadline scheduler, the urging letter and the assignment rules (config.yml)."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from services.assignment import letter, rules, schedule
from services.assignment.schedule import Reminder

DUE = datetime(2024, 6, 10, 16, 0, tzinfo=timezone.utc)


def at(days_before: float) -> datetime:
    return DUE - timedelta(days=days_before)


def test_nothing_is_due_more_than_14_days_ahead():
    assert schedule.due_reminders(DUE, at(20), set()) == []


def test_the_14_day_reminder_then_the_3_day_one_then_overdue():
    assert schedule.due_reminders(DUE, at(14), set()) == [Reminder("due_soon", 14, True)]
    assert schedule.due_reminders(DUE, at(10), {("due_soon", 14)}) == []
    assert schedule.due_reminders(DUE, at(3), {("due_soon", 14)}) == [Reminder("due_soon", 3, True)]
    marked = {("due_soon", 14), ("due_soon", 3)}
    assert schedule.due_reminders(DUE, DUE, marked) == []
    assert schedule.due_reminders(DUE, at(-0.5), marked) == [Reminder("overdue", 0, True)]
    assert schedule.due_reminders(DUE, at(-30), marked | {("overdue", 0)}) == []


def test_found_late_only_the_tightest_is_published_the_rest_marked():
    assert schedule.due_reminders(DUE, at(2), set()) == [Reminder("due_soon", 14, False),
                                                         Reminder("due_soon", 3, True)]
    assert schedule.due_reminders(DUE, at(-5), set()) == [
        Reminder("due_soon", 14, False), Reminder("due_soon", 3, False), Reminder("overdue", 0, True)]


def test_thresholds_are_configurable():
    assert schedule.due_reminders(DUE, at(7), set(), thresholds=(7, 1)) == [Reminder("due_soon", 7, True)]
    assert schedule.horizon(DUE, (7, 1)) == DUE + timedelta(days=7)


@pytest.mark.parametrize("days, expected", [(14, 14), (2.5, 3), (0.1, 1), (0, 0), (-2, 0)])
def test_days_left_rounds_up(days, expected):
    assert schedule.days_left(DUE, at(days)) == expected


def render(template: str, **overrides) -> str:
    values = dict(number="第0007号", title="关于增设公交站点的建议", unit_name="市交通运输局",
                  assigned_at=DUE - timedelta(days=100), due_at=DUE, at=DUE + timedelta(days=12),
                  days_late=12, days_left=0, note=None)
    values.update(overrides)
    return letter.render(template, **values)


def test_the_shipped_letter_names_the_suggestion_the_unit_and_the_delay():
    text = render(letter.load(rules.LETTER_TEMPLATE))
    assert "督办函" in text and "第0007号" in text and "《关于增设公交站点的建议》" in text
    assert "市交通运输局" in text and "已逾期12天" in text
    assert "2024年6月11日" in text  # the due date in Beijing time (16:00 UTC is next day 00:00)


def test_the_letter_dates_follow_office_timezone():
    office = rules.rules_from({"OFFICE_TIMEZONE": "UTC"})
    assert "{due_date}" in letter.load(rules.LETTER_TEMPLATE)
    assert render("{due_date}", tz=office.zone) == "2024年6月10日"
    assert render("{due_date}") == "2024年6月11日" and rules.rules_from({}).zone.key == "Asia/Shanghai"
    with pytest.raises(ValueError, match="OFFICE_TIMEZONE"):
        rules.rules_from({"OFFICE_TIMEZONE": "Nowhere/Land"})


def test_a_letter_before_the_due_date_says_how_long_is_left():
    text = render(letter.load(rules.LETTER_TEMPLATE), days_late=0, days_left=5, note="请于本周内答复")
    assert "还有5天" in text and "逾期" not in text and "请于本周内答复" in text


def test_a_letter_to_a_co_unit_names_its_part_and_its_own_due_date():
    due = datetime(2026, 11, 27, 15, 59, 59, tzinfo=timezone.utc)  # 23:59:59 on 27 November in Beijing
    text = render(letter.load(rules.LETTER_TEMPLATE), unit_name="市财政局", role="co", due_at=due,
                  at=due + timedelta(days=3), days_late=3)
    assert text.splitlines()[2] == "市财政局："
    assert "交由你单位会办，会办意见期限为2026年11月27日" in text and "主办" not in text
    assert "已逾期3天，尚未提交会办意见" in text and "2026年11月30日" in text
    lead = render(letter.load(rules.LETTER_TEMPLATE))
    assert "交由你单位主办，答复期限为2024年6月11日" in lead and "尚未答复" in lead
    assert "交由你单位分办" in render(letter.load(rules.LETTER_TEMPLATE), role="separate")


def test_an_edited_template_with_unknown_names_still_renders():
    assert render("{unit_name}：{number}逾期{days_late}天{no_such_field}") == "市交通运输局：第0007号逾期12天"


def test_rules_default_to_design_and_read_the_config():
    s = rules.rules_from({})
    assert s.deadlines["reply"] == 90 and s.follow_up_classes == ("B",) and s.due_soon_days == (14, 3)
    s = rules.rules_from({"DEADLINES": {"reply": "60"}, "RESULT_CLASSES": {"甲": "解决", "乙": "计划"},
                              "FOLLOW_UP_CLASSES": ["乙"], "DUE_SOON_DAYS": [7],
                              "URGING_LETTER_TEMPLATE": "services/assignment/templates/urging_letter.txt"})
    assert s.deadlines == {**rules.Rules().deadlines, "reply": 60}
    assert list(s.result_classes) == ["甲", "乙"] and s.due_soon_days == (7,)
    assert s.letter_template.is_absolute() and s.letter_template.exists()


@pytest.mark.parametrize("config", [{"DEADLINES": {"replies": 3}}, {"FOLLOW_UP_CLASSES": ["Z"]}])
def test_rules_refuse_unknown_keys_and_classes(config):
    with pytest.raises(ValueError):
        rules.rules_from(config)


def test_the_shipped_config_parses():
    from nameko.cli.main import setup_yaml_parser
    import yaml

    setup_yaml_parser()
    root = Path(rules.__file__).resolve().parents[2]
    config = yaml.safe_load((root / "services/assignment/config.yml").read_text(encoding="utf-8"))
    s = rules.rules_from(config)
    assert s.deadlines == rules.Rules().deadlines and s.letter_template.exists()
    assert float(config["DEADLINE_INTERVAL"]) > 0
