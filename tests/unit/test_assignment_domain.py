"""Pure rules of assignment: due dates, units, who may reply, states after sign and rating."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.assignment import domain
from services.common.errors import Conflict, Forbidden, ValidationFailed

AT = datetime(2024, 3, 10, 9, 30, tzinfo=timezone.utc)  # 17:30 on 10 March in Beijing
BEIJING = ZoneInfo("Asia/Shanghai")


def end_of(day: str, tz=BEIJING) -> datetime:
    """23:59:59 local time of ``day`` ("2024-06-08")."""
    return datetime.combine(datetime.fromisoformat(day).date(), datetime.max.time().replace(microsecond=0), tzinfo=tz)


def test_reply_is_due_three_months_after_assignment_by_default():
    assert domain.reply_due(AT) == end_of("2024-06-08")  # 90 local days on, at the end of that day


def test_rehandling_reply_is_due_one_month_after_it_opens():
    assert domain.rehandling_due(AT) == end_of("2024-04-09")


def test_due_dates_follow_configured_deadlines():
    deadlines = {**domain.DEFAULT_DEADLINES, "reply": 60, "rehandling": 15}
    assert domain.reply_due(AT, deadlines) == end_of("2024-05-09")
    assert domain.rehandling_due(AT, deadlines) == end_of("2024-03-25")


def test_due_dates_count_from_the_local_day_of_assignment():
    late_evening_utc = datetime(2026, 8, 28, 17, 0, tzinfo=timezone.utc)  # already 29 August in Beijing
    assert domain.reply_due(late_evening_utc) == end_of("2026-11-27")
    assert domain.reply_due(late_evening_utc).astimezone(timezone.utc) == datetime(2026, 11, 27, 15, 59, 59,
                                                                                   tzinfo=timezone.utc)
    assert domain.reply_due(late_evening_utc, tz=ZoneInfo("UTC")) == end_of("2026-11-26", ZoneInfo("UTC"))


def test_defaults_match_design():
    assert domain.DEFAULT_DEADLINES == {"reply": 90, "co_opinion": 30, "dispute": 10, "rehandling": 30,
                                        "max_extension": 180}
    assert set(domain.RESULT_CLASSES) == {"A", "B", "C"}


@pytest.mark.parametrize("lead, co", [(1, []), (1, [2]), (1, [2, 3, 4])])
def test_check_units_accepts_a_lead_and_distinct_co_units(lead, co):
    assert domain.check_units(lead, co) is None


def test_lead_unit_cannot_also_be_a_co_unit():
    with pytest.raises(ValidationFailed) as err:
        domain.check_units(1, [2, 1])
    assert err.value.details[0]["field"] == "co_unit_ids"


def test_co_units_must_be_distinct():
    with pytest.raises(ValidationFailed) as err:
        domain.check_units(1, [2, 3, 2])
    assert err.value.details[0]["field"] == "co_unit_ids"


@pytest.mark.parametrize("state", domain.REPLYABLE)
def test_signed_lead_unit_replies_in_replyable_states(state):
    assert domain.check_reply(state, is_lead=True, lead_signed=True) is None


def test_only_the_lead_unit_replies():
    with pytest.raises(Forbidden):
        domain.check_reply("signed", is_lead=False, lead_signed=True)


def test_lead_unit_must_sign_before_replying():
    with pytest.raises(Conflict, match="sign"):
        domain.check_reply("assigned", is_lead=True, lead_signed=False)


@pytest.mark.parametrize("state", ["assigned", "replied", "evaluated", "closed"])
def test_no_reply_outside_replyable_states(state):
    with pytest.raises(Conflict):
        domain.check_reply(state, is_lead=True, lead_signed=True)


def test_lead_sign_moves_assigned_to_signed():
    assert domain.state_after_sign("assigned", is_lead=True) == "signed"


@pytest.mark.parametrize("state", ["assigned", "signed", "replied", "rehandling"])
def test_co_unit_sign_changes_no_state(state):
    assert domain.state_after_sign(state, is_lead=False) == state


@pytest.mark.parametrize("state", ["signed", "replied", "rehandling", "closed"])
def test_lead_sign_outside_assigned_changes_no_state(state):
    assert domain.state_after_sign(state, is_lead=True) == state


def test_first_dissatisfied_rating_opens_rehandling():
    assert domain.after_evaluation("dissatisfied", final=False) == "rehandling"


@pytest.mark.parametrize("satisfaction, final", [
    ("dissatisfied", True), ("satisfied", False), ("satisfied", True), ("basic", False), ("basic", True)])
def test_other_ratings_close_the_assignment(satisfaction, final):
    assert domain.after_evaluation(satisfaction, final) == "closed"


# -- issue 4: windows, reroutes, opinions, follow-up, extensions, urging ------------------

def test_dispute_window_and_co_opinion_due_follow_the_deadlines():
    assert domain.dispute_until(AT) == end_of("2024-03-20")
    assert domain.co_opinion_due(AT) == end_of("2024-04-09")
    deadlines = {**domain.DEFAULT_DEADLINES, "dispute": 5}
    assert domain.dispute_until(AT, deadlines) == end_of("2024-03-15")


def test_dispute_allowed_within_the_window_before_reply():
    until = domain.dispute_until(AT)
    assert domain.check_dispute("assigned", until, until, already_open=False) is None
    assert domain.check_dispute("signed", AT, until, already_open=False) is None


def test_dispute_after_the_window_is_a_conflict():
    until = domain.dispute_until(AT)
    with pytest.raises(Conflict, match="window"):
        domain.check_dispute("assigned", until + timedelta(seconds=1), until, already_open=False)


@pytest.mark.parametrize("state", ["replied", "evaluated", "rehandling", "closed"])
def test_no_dispute_once_replied(state):
    with pytest.raises(Conflict):
        domain.check_dispute(state, AT, domain.dispute_until(AT), already_open=False)


def test_one_open_dispute_per_unit():
    with pytest.raises(Conflict, match="open dispute"):
        domain.check_dispute("assigned", AT, domain.dispute_until(AT), already_open=True)


@pytest.mark.parametrize("state, ok", [("assigned", True), ("signed", True), ("replied", False),
                                       ("rehandling", False), ("closed", False)])
def test_reroute_only_before_the_reply(state, ok):
    if ok:
        assert domain.check_reroute(state) is None
    else:
        with pytest.raises(Conflict):
            domain.check_reroute(state)


def test_state_after_reroute_depends_on_the_new_lead_signature():
    assert domain.state_after_reroute(lead_signed=True) == "signed"
    assert domain.state_after_reroute(lead_signed=False) == "assigned"


@pytest.mark.parametrize("state", domain.HANDLING)
def test_co_unit_gives_opinions_before_the_lead_replies(state):
    assert domain.check_co_opinion(state, is_lead=False) is None


def test_lead_unit_gives_no_co_opinion_and_none_after_the_reply():
    with pytest.raises(Conflict, match="lead"):
        domain.check_co_opinion("signed", is_lead=True)
    with pytest.raises(Conflict, match="before it replies"):
        domain.check_co_opinion("replied", is_lead=False)


def test_result_class_must_be_in_the_configured_scheme():
    assert domain.check_result_class("B", domain.RESULT_CLASSES) is None
    with pytest.raises(ValidationFailed) as err:
        domain.check_result_class("D", domain.RESULT_CLASSES)
    assert err.value.details[0]["field"] == "result_class"
    assert domain.check_result_class("丙", {"甲": "", "乙": "", "丙": ""}) is None


@pytest.mark.parametrize("state", ["replied", "evaluated", "closed"])
def test_follow_up_on_a_b_class_reply_once(state):
    assert domain.check_follow_up(state, True, "B", followed_up=False) is None
    with pytest.raises(Conflict, match="already"):
        domain.check_follow_up(state, True, "B", followed_up=True)


@pytest.mark.parametrize("last_class", ["A", "C"])
def test_no_follow_up_on_other_classes(last_class):
    with pytest.raises(Conflict, match="needs no follow-up"):
        domain.check_follow_up("replied", True, last_class, followed_up=False)


def test_follow_up_needs_a_reply_and_the_lead_unit():
    with pytest.raises(Conflict, match="no reply"):
        domain.check_follow_up("signed", True, None, followed_up=False)
    with pytest.raises(Conflict, match="lead"):
        domain.check_follow_up("replied", False, "B", followed_up=False)


def test_follow_up_classes_are_configurable():
    assert domain.check_follow_up("closed", True, "乙", False, follow_up_classes=("乙",)) is None


def test_extension_within_the_six_months_in_total():
    assert domain.check_extension_request("signed", True, 180, 0, False) is None
    assert domain.check_extension_request("assigned", True, 60, 120, False) is None
    with pytest.raises(ValidationFailed) as err:
        domain.check_extension_request("signed", True, 61, 120, False)
    assert err.value.details[0]["field"] == "days" and "60" in err.value.details[0]["message"]


def test_extension_only_by_the_lead_before_reply_one_at_a_time():
    with pytest.raises(Conflict, match="lead"):
        domain.check_extension_request("signed", False, 10, 0, False)
    with pytest.raises(Conflict, match="state"):
        domain.check_extension_request("replied", True, 10, 0, False)
    with pytest.raises(Conflict, match="already"):
        domain.check_extension_request("signed", True, 10, 0, True)


def test_overdue_only_while_waiting_for_a_reply():
    late = AT + timedelta(days=1)
    assert domain.is_overdue("signed", AT, late) and domain.is_overdue("rehandling", AT, late)
    assert not domain.is_overdue("replied", AT, late) and not domain.is_overdue("closed", AT, late)
    assert not domain.is_overdue("signed", late, AT)


def test_days_late_counts_local_calendar_days():
    assert domain.days_late(AT, AT) == 0
    assert domain.days_late(AT, AT - timedelta(days=3)) == 0
    # 17:30 on 10 March + 2 days 23 hours = 16:30 on 13 March in Beijing: three local days, not two periods
    assert domain.days_late(AT, AT + timedelta(days=2, hours=23)) == 3
    assert domain.days_late(AT, AT + timedelta(days=3)) == 3


def test_days_late_starts_when_the_local_due_day_ends():
    due = datetime(2026, 11, 27, 15, 59, 59, tzinfo=timezone.utc)  # 23:59:59 on 27 November in Beijing
    assert domain.days_late(due, due + timedelta(seconds=2)) == 1  # 00:00:01 on the 28th
    assert domain.days_late(due, due + timedelta(days=1, hours=23)) == 2  # 23:59 on the 29th
    assert domain.days_late(due, due + timedelta(days=1, hours=23), ZoneInfo("UTC")) == 2


def test_urging_goes_to_the_named_unit_of_the_assignment():
    units = [(1, True), (2, True), (3, False)]
    assert domain.urge_targets("lead", 1, units, 2) == [2]
    assert domain.urge_targets("lead", 1, units, None) == [1]
    assert domain.urge_targets("separate", None, units, None) == [1, 2]
    assert domain.urge_targets("separate", None, units, 3) == [3]


def test_urging_a_unit_not_on_the_assignment_names_unit_id():
    with pytest.raises(ValidationFailed) as err:
        domain.urge_targets("lead", 1, [(1, True), (2, True)], 9)
    assert err.value.details[0]["field"] == "unit_id"
    with pytest.raises(Conflict):
        domain.urge_targets("separate", None, [(1, False), (2, False)], None)


@pytest.mark.parametrize("state", ["replied", "evaluated", "closed"])
def test_nothing_to_urge_once_replied(state):
    with pytest.raises(Conflict):
        domain.check_urge(state)


def test_a_given_due_date_lies_within_ten_years_either_way():
    assert domain.check_due_at(None, AT) is None
    assert domain.check_due_at(AT - timedelta(days=30), AT) is None  # entered after the fact
    assert domain.check_due_at(AT + timedelta(days=3000), AT) is None
    for far in (AT + timedelta(days=4000), AT - timedelta(days=4000), datetime(9999, 12, 31, tzinfo=timezone.utc)):
        with pytest.raises(ValidationFailed) as err:
            domain.check_due_at(far, AT)
        assert err.value.details[0]["field"] == "due_at"


def test_supervision_by_several_leaders_a_committee_or_both():
    two = domain.supervisors([{"sub": "leader-zhang", "name": "张副主任"}, {"sub": "leader-li"}], None, None)
    assert two == [{"sub": "leader-zhang", "name": "张副主任"}, {"sub": "leader-li", "name": None}]
    assert domain.supervisors([], None, "教科文卫委员会") == []
    assert domain.supervisors([], "leader-wang", "教科文卫委员会") == [{"sub": "leader-wang", "name": None}]
    assert domain.supervision_note(two, "教科文卫委员会") == "列为重点督办，张副主任、leader-li领衔督办（教科文卫委员会）"
    assert domain.supervision_note([], "教科文卫委员会") == "列为重点督办，教科文卫委员会督办"


@pytest.mark.parametrize("leaders, leader, committee, field", [
    ([], None, None, "leaders"),
    ([{"sub": "a"}, {"sub": "a"}], None, None, "leaders"),
    ([{"sub": "a"}], "b", None, "leader"),
])
def test_supervision_needs_a_leader_or_a_committee_named_once(leaders, leader, committee, field):
    with pytest.raises(ValidationFailed) as err:
        domain.supervisors(leaders, leader, committee)
    assert err.value.details[0]["field"] == field


# -- 分办 (separate handling), real dates, steps on behalf of a unit (issue 15) ---------------------
OFFICE = {"role": "office", "sub": "office1"}


def test_a_separate_assignment_needs_two_distinct_units():
    domain.check_separate_units([3, 4])
    for units in ([3], [], [3, 3], [3, 4, 3]):
        with pytest.raises(ValidationFailed) as err:
            domain.check_separate_units(units)
        assert err.value.details[0]["field"] == "unit_ids"


def test_lead_mode_state_is_the_lead_units_own():
    for state in ("assigned", "signed", "replied", "rehandling", "closed"):
        assert domain.summarise([state]) == state


@pytest.mark.parametrize("states, summary", [
    (["assigned", "assigned"], "assigned"),
    (["signed", "assigned"], "assigned"),          # one has not signed yet
    (["signed", "signed", "signed"], "signed"),
    (["replied", "signed"], "signed"),             # one still owes its reply
    (["replied", "assigned"], "assigned"),
    (["replied", "replied"], "replied"),           # every unit has replied
    (["closed", "replied"], "replied"),            # a reply waits for its rating
    (["closed", "rehandling"], "rehandling"),      # a dissatisfied rating reopened one unit
    (["rehandling", "assigned"], "rehandling"),
    (["closed", "evaluated"], "evaluated"),
    (["closed", "closed", "closed"], "closed"),    # closed only when every unit is
])
def test_a_separate_assignments_state_summarises_its_units(states, summary):
    assert domain.summarise(states) == summary


def test_the_summary_due_date_is_the_earliest_still_running():
    early, late = AT, AT + timedelta(days=30)
    assert domain.summary_due([("signed", late), ("assigned", early)]) == early
    assert domain.summary_due([("replied", early), ("rehandling", late)]) == late
    assert domain.summary_due([("replied", early), ("closed", late)]) == late  # nothing runs: the latest


def test_real_dates_are_the_offices_to_record():
    domain.check_office_only(OFFICE, "signed_at")
    for actor in ({"role": "unit", "unit_id": 3}, {"role": "leader"}, {"role": "deputy", "deputy_id": 1}):
        with pytest.raises(Forbidden) as err:
            domain.check_office_only(actor, "replied_at")
        assert err.value.details[0]["field"] == "replied_at"


def test_a_real_date_is_not_in_the_future_nor_before_the_step_it_follows():
    signed = AT - timedelta(days=10)
    assert domain.check_step_date("replied_at", None, AT, signed) == AT  # none given: now
    assert domain.check_step_date("replied_at", AT - timedelta(days=1), AT, signed) == AT - timedelta(days=1)
    assert domain.check_step_date("replied_at", signed, AT, signed) == signed
    with pytest.raises(ValidationFailed) as err:
        domain.check_step_date("replied_at", AT + timedelta(minutes=1), AT, signed)
    assert err.value.details[0] == {"field": "replied_at", "message": "must not be in the future"}
    with pytest.raises(ValidationFailed) as err:
        domain.check_step_date("replied_at", signed - timedelta(seconds=1), AT, signed)
    assert err.value.details[0]["field"] == "replied_at" and "before" in err.value.details[0]["message"]
    with pytest.raises(ValidationFailed):
        domain.check_step_date("signed_at", datetime(2024, 3, 1), AT, None)  # naive
    with pytest.raises(ValidationFailed) as err:  # year 1 would overflow the due date's local day
        domain.check_step_date("assigned_at", datetime(1, 1, 2, tzinfo=timezone.utc), AT, None)
    assert err.value.details[0]["field"] == "assigned_at"


def test_the_office_names_the_unit_a_unit_acts_for_itself():
    assert domain.acting_unit(OFFICE, 4) == 4
    with pytest.raises(ValidationFailed) as err:
        domain.acting_unit(OFFICE, None)
    assert err.value.details[0]["field"] == "unit_id"
    unit = {"role": "unit", "unit_id": 3}
    assert domain.acting_unit(unit, None) == 3
    assert domain.acting_unit(unit, 3) == 3
    with pytest.raises(Forbidden) as err:
        domain.acting_unit(unit, 4)
    assert err.value.details[0]["field"] == "unit_id"
