"""Pure rules of notify: who is told of what (API.md, "Who is told"), the texts, inbox keys."""
import re

import pytest

from services.assignment.events import Assigned
from services.evaluation.events import Evaluated
from services.notify import domain
from services.suggestion.events import Accepted

TEMPLATES = domain.load_templates()

# an assignment event as the assignment service publishes it
ASSIGNMENT = {"assignment_id": 3, "suggestion_id": 11, "state": "assigned", "round": 1,
              "lead_unit_id": 5, "lead_unit_name": "市交通运输局", "co_unit_ids": [6, 7],
              "due_at": "2024-06-08T09:30:00+00:00", "number": "第0011号",
              "title": "关于增开公交线路的建议", "session": "十六届三次", "category": "transport",
              "lead_deputy_id": 21, "co_signer_ids": [22, 23]}
SUGGESTION = {"suggestion_id": 11, "number": 11, "number_label": "第0011号", "session": "十六届三次",
              "title": "关于增开公交线路的建议", "category": "transport", "kind": "session",
              "lead_deputy_id": 21, "co_signer_ids": [22, 23], "status": "accepted", "reason": None,
              "at": "2024-03-10T09:30:00+00:00"}
EVALUATED = {"assignment_id": 3, "suggestion_id": 11, "round": 1, "satisfaction": "dissatisfied",
             "final": False, "deputy_id": 21, "lead_unit_id": 5, "number": "第0011号",
             "title": "关于增开公交线路的建议"}

LEAD_UNIT, CO_UNITS, LEAD_DEPUTY = "unit:5", ["unit:6", "unit:7"], "deputy:21"
CO_SIGNERS = ["deputy:22", "deputy:23"]


def who(event_type: str, payload: dict) -> list[str]:
    return domain.recipients(event_type, payload)


def test_units_and_lead_deputy_hear_of_an_assignment():
    assert set(who("assignment.assigned", ASSIGNMENT)) == {LEAD_UNIT, *CO_UNITS, LEAD_DEPUTY}


def test_units_hear_of_a_reroute():
    assert {LEAD_UNIT, *CO_UNITS} <= set(who("assignment.rerouted", ASSIGNMENT))


@pytest.mark.parametrize("event_type", ["assignment.urged", "assignment.due_soon"])
def test_lead_unit_hears_of_urging_and_due_soon(event_type):
    assert LEAD_UNIT in who(event_type, ASSIGNMENT)
    assert domain.OFFICE not in who(event_type, ASSIGNMENT)


def test_the_unit_urged_hears_of_its_urging():
    co_unit = CO_UNITS[0]
    urged = {**ASSIGNMENT, "unit_id": int(co_unit.split(":")[1]), "unit_name": "市财政局"}
    assert who("assignment.urged", urged) == [co_unit]
    _, body = domain.render(TEMPLATES, "assignment.urged", urged)
    assert "请市财政局抓紧办理" in body


def test_lead_unit_and_office_hear_of_overdue():
    assert {LEAD_UNIT, domain.OFFICE} <= set(who("assignment.overdue", ASSIGNMENT))


def test_office_hears_of_a_dispute():
    assert domain.OFFICE in who("assignment.disputed", {**ASSIGNMENT, "reason": "不属于本单位职责"})


def test_lead_deputy_and_co_signers_hear_of_a_reply():
    recipients = who("assignment.replied", {**ASSIGNMENT, "result_class": "A", "on_time": True})
    assert set(recipients) == {LEAD_DEPUTY, *CO_SIGNERS}


@pytest.mark.parametrize("event_type", ["suggestion.accepted", "suggestion.returned"])
def test_lead_deputy_hears_of_screening(event_type):
    assert LEAD_DEPUTY in who(event_type, SUGGESTION)


def test_office_hears_of_a_new_suggestion():
    assert who("suggestion.submitted", SUGGESTION) == [domain.OFFICE]


def test_office_and_lead_unit_hear_of_dissatisfaction():
    assert {domain.OFFICE, LEAD_UNIT} <= set(who("evaluation.evaluated", EVALUATED))


@pytest.mark.parametrize("satisfaction", ["satisfied", "basic"])
def test_nobody_is_told_of_a_satisfied_rating(satisfaction):
    assert who("evaluation.evaluated", {**EVALUATED, "satisfaction": satisfaction}) == []


def test_deputy_hears_of_an_escalated_opinion():
    assert who("station.opinion_escalated", {"opinion_id": 4, "station_id": 2, "deputy_id": 31}) \
        == ["deputy:31"]
    assert who("station.opinion_escalated", {"opinion_id": 4, "station_id": 2}) == []


def test_office_hears_of_an_extension_request_and_the_unit_of_the_decision():
    assert who("assignment.extension_requested", {**ASSIGNMENT, "days": 30}) == [domain.OFFICE]
    assert who("assignment.extension_decided", {**ASSIGNMENT, "approved": True}) == [LEAD_UNIT]


def test_leaders_hear_of_overdue_key_supervised_items_only():
    assert domain.LEADER not in who("assignment.overdue", ASSIGNMENT)
    assert domain.LEADER in domain.recipients("assignment.overdue", ASSIGNMENT, supervised=True)
    assert domain.LEADER in who("assignment.overdue", {**ASSIGNMENT, "supervised": True})


def test_supervision_tells_the_unit_and_the_leaders():
    """An event from before leaders were named by sub (``leader`` only): the leaders' desk."""
    assert set(who("assignment.supervision_set", {**ASSIGNMENT, "leader": "张"})) == {LEAD_UNIT, domain.LEADER}


SUPERVISED_BY_TWO = {**ASSIGNMENT, "leader": "person-901", "committee": None,
                     "leaders": [{"sub": "person-901", "name": "王副主任"}, {"sub": "person-902", "name": None}]}


def test_named_leaders_each_hear_of_key_supervision_in_their_own_inbox():
    assert who("assignment.supervision_set", SUPERVISED_BY_TWO) == [LEAD_UNIT, "person:person-901",
                                                                   "person:person-902"]
    assert domain.LEADER not in who("assignment.supervision_set", SUPERVISED_BY_TWO)
    by_committee = {**ASSIGNMENT, "leader": None, "leaders": [], "committee": "城建环保委"}
    assert who("assignment.supervision_set", by_committee) == [LEAD_UNIT, domain.LEADER]  # no named leader


def test_overdue_of_a_supervised_item_reaches_each_supervising_leader_only():
    told = domain.recipients("assignment.overdue", ASSIGNMENT, True, ["person-901"])
    assert told == [LEAD_UNIT, domain.OFFICE, "person:person-901"]
    assert domain.recipients("assignment.overdue", ASSIGNMENT, True, ["person-901", "leader-zhang"])[-2:] \
        == ["person:person-901", "person:leader-zhang"]
    assert domain.recipients("assignment.overdue", ASSIGNMENT, False, ["person-901"]) == [LEAD_UNIT, domain.OFFICE]
    assert domain.recipients("assignment.overdue", ASSIGNMENT, True, [])[-1] == domain.LEADER  # a committee alone


def test_the_supervision_text_names_the_leaders_and_the_committee():
    _, body = domain.render(TEMPLATES, "assignment.supervision_set", {**SUPERVISED_BY_TWO, "committee": "城建环保委"})
    assert "王副主任、person-902、城建环保委" in body
    _, old = domain.render(TEMPLATES, "assignment.supervision_set", {**ASSIGNMENT, "leader": "张副主任"})
    assert "督办：张副主任。" in old


def test_unknown_events_tell_nobody():
    assert who("station.activity_logged", {"station_id": 2}) == []


def test_assignment_without_units_tells_only_the_deputy():
    assert who("assignment.assigned", {**ASSIGNMENT, "lead_unit_id": None, "co_unit_ids": []}) == [LEAD_DEPUTY]


def test_no_recipient_is_told_twice():
    payload = {**ASSIGNMENT, "co_unit_ids": [6, 5, 6], "co_signer_ids": [21, 22, 22]}
    for event_type in ("assignment.assigned", "assignment.replied", "assignment.overdue"):
        recipients = who(event_type, payload)
        assert len(recipients) == len(set(recipients)), event_type
    assert sorted(who("assignment.assigned", payload)) == sorted([LEAD_UNIT, "unit:6", LEAD_DEPUTY])


SAMPLES = [  # (event type, payload) of every template
    ("suggestion.submitted", SUGGESTION),
    ("suggestion.accepted", SUGGESTION),
    ("suggestion.returned", {**SUGGESTION, "status": "returned", "reason": "不属于建议范围"}),
    ("assignment.assigned", ASSIGNMENT),
    ("assignment.rerouted", ASSIGNMENT),
    ("assignment.urged", {**ASSIGNMENT, "note": "请于本周内答复"}),
    ("assignment.due_soon", ASSIGNMENT),
    ("assignment.overdue", ASSIGNMENT),
    ("assignment.disputed", {**ASSIGNMENT, "reason": "不属于本单位职责"}),
    ("assignment.replied", {**ASSIGNMENT, "result_class": "A", "on_time": True}),
    ("evaluation.evaluated", EVALUATED),
    ("evaluation.evaluated", {**EVALUATED, "round": 2, "final": True}),
    ("station.opinion_escalated", {"opinion_id": 4, "station_id": 2, "deputy_id": 31, "station_name": "东华门联络站"}),
    ("suggestion.merged", {**SUGGESTION, "status": "merged", "reason": "与第0012号内容相同"}),
    ("suggestion.converted", {**SUGGESTION, "status": "converted_letter", "converted_to": "letter",
                              "reason": "反映个人诉求，宜作来信处理"}),
    ("suggestion.converted", {**SUGGESTION, "status": "converted_reference", "converted_to": "reference",
                              "reason": "内容为工作意见，供参考"}),
    ("suggestion.withdrawn", {**SUGGESTION, "status": "withdrawn", "reason": "已解决"}),
    ("assignment.extension_requested", {**ASSIGNMENT, "days": 30, "reason": "需跨部门协调"}),
    ("assignment.extension_decided", {**ASSIGNMENT, "approved": True, "due_at": "2024-07-08T09:30:00+00:00"}),
    ("assignment.extension_decided", {**ASSIGNMENT, "approved": False}),
    ("assignment.supervision_set", {**ASSIGNMENT, "leader": "张副主任", "committee": "城建环保委"}),
    ("assignment.rehandling_opened", {**ASSIGNMENT, "state": "rehandling"}),
    ("digest.daily", {"unit_name": "市交通运输局", "day": "2024-06-01", "pending": 3, "due_soon": 1,
                      "overdue": 1, "items": "· 第0011号"}),
    ("digest.item", {**ASSIGNMENT, "status": "已逾期"}),
    # 分办 (issue 15): the texts name the units
    ("assignment.assigned", {**ASSIGNMENT, "mode": "separate", "handling_unit_names": ["市交通运输局", "市财政局"]}),
    ("assignment.rerouted", {**ASSIGNMENT, "mode": "separate", "handling_unit_names": ["市交通运输局", "市财政局"]}),
    ("assignment.replied", {**ASSIGNMENT, "mode": "separate", "unit_name": "市财政局", "result_class": "B"}),
    ("assignment.overdue", {**ASSIGNMENT, "mode": "separate", "unit_name": "市财政局", "days_late": 2}),
    ("assignment.extension_requested", {**ASSIGNMENT, "mode": "separate", "unit_name": "市财政局", "days": 30,
                                        "reason": "需跨部门协调"}),
]
PAYLOADS = dict(reversed(SAMPLES))  # one sample per event type: its first

PLACEHOLDER = re.compile(r"[{}]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_template_has_a_sample_here():
    assert set(TEMPLATES) == {domain.template_key(t, p) for t, p in SAMPLES}


@pytest.mark.parametrize("event_type, payload", SAMPLES)
def test_templates_of_a_broken_payload_never_fail(event_type, payload):
    """Odd values (lists, numbers, nested objects) where text is expected still render."""
    odd = {k: ([1, 2] if isinstance(v, str) else v) for k, v in payload.items()}
    title, body = domain.render(TEMPLATES, event_type, odd)
    assert isinstance(title, str) and isinstance(body, str)


def test_a_template_an_operator_broke_shows_as_written():
    broken = {"assignment.urged": {"title": "督办{number", "body": "请{0}办理{title.x}"}}
    assert domain.render(broken, "assignment.urged", ASSIGNMENT) == ("督办{number", "请{0}办理{title.x}")


def test_extension_decided_text_says_approved_or_refused():
    _, yes = domain.render(TEMPLATES, "assignment.extension_decided",
                           {**ASSIGNMENT, "approved": True, "due_at": "2024-07-08T09:30:00+00:00"})
    _, no = domain.render(TEMPLATES, "assignment.extension_decided", {**ASSIGNMENT, "approved": False})
    assert "已批准" in yes and "2024-07-08" in yes
    assert "未获批准" in no


def test_overdue_text_gives_days_late():
    _, body = domain.render(TEMPLATES, "assignment.overdue", {**ASSIGNMENT, "days_late": 12})
    assert "12天" in body and "2024-06-08" in body


@pytest.mark.parametrize("event_type, payload", SAMPLES)
def test_render_fills_every_placeholder_in_chinese(event_type, payload):
    title, body = domain.render(TEMPLATES, event_type, payload)
    for text in (title, body):
        assert not PLACEHOLDER.search(text), text
        assert CHINESE.search(text), text
        assert "None" not in text


@pytest.mark.parametrize("event_type, payload", SAMPLES)
def test_render_leaves_no_placeholder_when_fields_are_missing(event_type, payload):
    title, body = domain.render(TEMPLATES, event_type, {"suggestion_id": 11, "final": payload.get("final")})
    assert not PLACEHOLDER.search(title + body)


def test_only_a_first_dissatisfied_rating_promises_rehandling():
    _, first = domain.render(TEMPLATES, "evaluation.evaluated", EVALUATED)
    _, final = domain.render(TEMPLATES, "evaluation.evaluated", {**EVALUATED, "round": 2, "final": True})
    assert "重新办理" in first and "第0011号" in first
    assert "将重新办理" not in final and "办结" in final and "第0011号" in final


def test_assigned_text_carries_number_title_unit_and_due_date():
    title, body = domain.render(TEMPLATES, "assignment.assigned", ASSIGNMENT)
    assert title == "交办通知：第0011号"
    assert body == "建议第0011号《关于增开公交线路的建议》已交由市交通运输局主办，答复期限2024-06-08。"


def test_suggestion_events_use_the_number_label_not_the_integer():
    payload = domain.facts(Accepted.model_validate(SUGGESTION))
    title, body = domain.render(TEMPLATES, "suggestion.accepted", payload)
    assert "第0011号" in title and "第0011号" in body and "编号11" not in body


@pytest.mark.parametrize("model, payload", [(Accepted, SUGGESTION), (Assigned, ASSIGNMENT),
                                            (Evaluated, {**EVALUATED, "lead_deputy_id": 21, "actor": "deputy:21",
                                                         "note": "不满意"})])
def test_facts_give_every_producers_number_as_the_label(model, payload):
    assert domain.facts(model.model_validate(payload))["number"] == "第0011号"


def test_replied_text_names_the_result_class():
    _, body = domain.render(TEMPLATES, "assignment.replied", PAYLOADS["assignment.replied"])
    assert "A类" in body and "市交通运输局" in body


def test_each_conversion_has_its_own_text_with_the_reason_and_tells_the_lead():
    letter = {**SUGGESTION, "status": "converted_letter", "converted_to": "letter", "reason": "属个人诉求"}
    reference = {**letter, "status": "converted_reference", "converted_to": "reference"}
    _, to_letter = domain.render(TEMPLATES, "suggestion.converted", letter)
    _, to_reference = domain.render(TEMPLATES, "suggestion.converted", reference)
    assert "转为代表来信" in to_letter and "属个人诉求" in to_letter and "未予立案" not in to_letter
    assert "转作参考材料" in to_reference and "属个人诉求" in to_reference and "代表来信" not in to_reference
    assert who("suggestion.converted", letter) == [LEAD_DEPUTY]


def test_returned_text_gives_the_reason():
    _, body = domain.render(TEMPLATES, "suggestion.returned", PAYLOADS["suggestion.returned"])
    assert "不属于建议范围" in body


def test_none_values_render_blank():
    _, body = domain.render(TEMPLATES, "assignment.urged", {**ASSIGNMENT, "note": None})
    assert "None" not in body and body.endswith("抓紧办理。")


def test_event_without_template_renders_its_type():
    assert domain.render(TEMPLATES, "station.activity_logged", {}) == ("station.activity_logged", "")


@pytest.mark.parametrize("actor, keys", [
    ({"role": "deputy", "deputy_id": 21}, ["deputy:21"]),
    ({"role": "unit", "unit_id": 5}, ["unit:5"]),
    ({"role": "station", "station_id": 2}, ["station:2"]),
    ({"role": "office", "sub": "o1"}, [domain.OFFICE, "person:o1"]),
    ({"role": "leader"}, ["role:leader"]),
    # issue 16: every signed-in person reads their own inbox too; a leader theirs first (preferences)
    ({"role": "leader", "sub": "person-901"}, ["person:person-901", domain.LEADER]),
    ({"role": "deputy", "deputy_id": 21, "sub": "person-7"}, ["deputy:21", "person:person-7"]),
    ({"role": "unit", "unit_id": 5, "sub": "person-8"}, ["unit:5", "person:person-8"]),
    ({"role": "assessor", "sub": "person-9"}, ["person:person-9"]),
    ({"role": "security_admin", "sub": "person-3"}, ["person:person-3"]),
    ({"role": "public", "sub": "x"}, []),
    ({"role": "leader", "sub": "x" * 101}, [domain.LEADER]),  # too long for a person inbox
    ({"role": "admin"}, ["role:admin"]),
    ({"role": "public"}, []),
    ({"role": "unit"}, []),
    ({}, []),
])
def test_inbox_keys_per_role(actor, keys):
    assert domain.inbox_keys(actor) == keys


def test_recipient_keys_match_the_inbox_keys_of_whom_they_name():
    recipients = who("assignment.assigned", ASSIGNMENT)
    assert domain.inbox_keys({"role": "unit", "unit_id": 6})[0] in recipients
    assert domain.inbox_keys({"role": "deputy", "deputy_id": 21})[0] in recipients
    assert domain.inbox_keys({"role": "office"})[0] in who("assignment.disputed", ASSIGNMENT)


@pytest.mark.parametrize("value, expected", [
    ("2024-06-08T09:30:00+00:00", "2024-06-08"),
    ("2024-06-08T16:30:00+00:00", "2024-06-09"),  # already the 9th in Beijing
    ("2024-06-08", "2024-06-08"), ("not a date at all", "not a date"), (None, ""), ("", ""),
])
def test_due_date_is_the_local_date(value, expected):
    assert domain.local_date(value) == expected


def test_due_date_follows_the_configured_timezone():
    assert domain.local_date("2024-06-08T16:30:00+00:00", "UTC") == "2024-06-08"
    _, body = domain.render(TEMPLATES, "assignment.assigned", {**ASSIGNMENT, "due_at": "2024-06-08T16:30:00+00:00"})
    assert "答复期限2024-06-09" in body


def test_unit_name_is_a_name_for_the_lead_unit():
    assert domain.variables(ASSIGNMENT)["unit_name"] == "市交通运输局"
    assert domain.variables({})["unit_name"] == ""


# 分办 (issue 15): a separate assignment's units each hear of it; a unit's step, that unit
SEPARATE = {**ASSIGNMENT, "lead_unit_id": None, "lead_unit_name": None, "co_unit_ids": [], "mode": "separate",
            "handling_unit_ids": [5, 6], "handling_unit_names": ["市交通运输局", "市规划和自然资源委员会"]}


def test_every_unit_of_a_separate_assignment_hears_of_it():
    assert set(who("assignment.assigned", SEPARATE)) == {"unit:5", "unit:6", LEAD_DEPUTY}
    assert set(who("assignment.rerouted", SEPARATE)) == {"unit:5", "unit:6"}
    title, body = domain.render(TEMPLATES, "assignment.assigned", SEPARATE)
    assert "市交通运输局、市规划和自然资源委员会分别办理（分办）" in body and "主办" not in body


@pytest.mark.parametrize("event_type", ["assignment.due_soon", "assignment.overdue", "assignment.rehandling_opened",
                                        "assignment.extension_decided", "assignment.urged"])
def test_a_separate_units_step_is_told_to_that_unit_only(event_type):
    told = set(who(event_type, {**SEPARATE, "unit_id": 6, "unit_name": "市规划和自然资源委员会", "approved": True}))
    assert "unit:6" in told and "unit:5" not in told


def test_a_reply_notice_names_the_replying_unit():
    replied = {**SEPARATE, "unit_id": 6, "unit_name": "市规划和自然资源委员会", "result_class": "B"}
    assert set(who("assignment.replied", replied)) == {LEAD_DEPUTY, *CO_SIGNERS}
    _, body = domain.render(TEMPLATES, "assignment.replied", replied)
    assert "已由市规划和自然资源委员会答复（B类）" in body
    _, body = domain.render(TEMPLATES, "assignment.overdue", {**replied, "days_late": 3})
    assert "分办单位：市规划和自然资源委员会" in body
    # lead mode reads as before: the lead unit replied
    _, body = domain.render(TEMPLATES, "assignment.replied", {**ASSIGNMENT, "result_class": "A"})
    assert "已由市交通运输局答复（A类）" in body


def test_a_dissatisfied_rating_of_one_units_reply_tells_that_unit():
    assert set(who("evaluation.evaluated", {**EVALUATED, "unit_id": 6})) == {domain.OFFICE, "unit:6"}


def test_a_step_recorded_long_after_it_happened_is_history_and_tells_no_one():
    from datetime import datetime, timedelta, timezone

    written = datetime(2026, 11, 29, 8, tzinfo=timezone.utc)
    past_year = {"replied_at": "2024-05-08T04:00:00+00:00"}
    last_week = {"replied_at": (written - timedelta(days=7)).isoformat()}
    assert domain.is_history(past_year, written, 30)
    assert not domain.is_history(last_week, written, 30)  # a paper reply entered late still reaches the deputy
    assert not domain.is_history(past_year, written, 0)  # turned off
    assert not domain.is_history({"note": "x"}, written, 30)  # no real date: a step of now
    assert domain.is_history({"at": "2024-01-10T02:00:00+00:00"}, written, 30)  # suggestion.* carry ``at``
