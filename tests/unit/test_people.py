"""People named by sub (issue 16): what identity's events say of a person, who may be named a
supervising leader (assignment) or an assessor (evaluation)."""
from types import SimpleNamespace

import pytest

from services.assignment import domain as assignment
from services.common import people
from services.common.errors import ValidationFailed
from services.evaluation import domain as evaluation
from tests.event_samples import raw

LEADER = SimpleNamespace(sub="person-901", name="王副主任", disabled=False, holds=True)
NOT_LEADER = SimpleNamespace(sub="person-903", name="刘科员", disabled=False, holds=False)
DISABLED = SimpleNamespace(sub="person-904", name="赵主任", disabled=True, holds=True)


def test_account_events_give_the_name_disabled_and_whether_the_role_is_held():
    created = {**raw("identity.account_created"), "sub": "person-901", "display_name": "王副主任",
               "roles": [{"role": "office"}, {"role": "leader"}]}
    assert people.facts("identity.account_created", created, "leader") == {
        "sub": "person-901", "name": "王副主任", "disabled": False, "holds": True}
    assert people.facts("identity.account_updated", {**created, "disabled": True}, "assessor")["holds"] is False


def test_role_events_count_only_for_the_role_of_interest():
    bound = {**raw("identity.role_bound"), "sub": "person-901", "role": "leader"}
    assert people.facts("identity.role_bound", bound, "leader") == {"sub": "person-901", "holds": True}
    assert people.facts("identity.role_unbound", bound, "leader") == {"sub": "person-901", "holds": False}
    assert people.facts("identity.role_bound", bound, "assessor") is None
    assert people.facts("station.deputy_registered", bound, "leader") is None


def test_development_subs_are_not_people():
    assert people.is_person("person-7")
    assert not people.is_person("leader-zhang") and not people.is_person(None) and not people.is_person("")


def test_why_a_person_may_not_be_named():
    assert people.refusal(LEADER, "leader") is None
    assert people.refusal(None, "leader") == "no such person"
    assert "disabled" in people.refusal(DISABLED, "leader")
    assert "leader role" in people.refusal(NOT_LEADER, "leader")


def test_supervising_leaders_must_be_leaders_and_get_their_display_names():
    known = {p.sub: p for p in (LEADER, NOT_LEADER, DISABLED)}
    named = assignment.named_leaders([{"sub": "person-901", "name": None}, {"sub": "leader-dev", "name": None}], known)
    assert named == [{"sub": "person-901", "name": "王副主任"}, {"sub": "leader-dev", "name": None}]
    given = assignment.named_leaders([{"sub": "person-901", "name": "王主任"}], known)
    assert given[0]["name"] == "王主任"  # the office's own words stay
    for sub, index in (("person-903", 1), ("person-904", 1), ("person-999", 1)):
        with pytest.raises(ValidationFailed) as err:
            assignment.named_leaders([{"sub": "person-901", "name": None}, {"sub": sub, "name": None}], known)
        assert err.value.details[0]["field"] == f"leaders[{index}].sub"
    with pytest.raises(ValidationFailed) as err:
        assignment.named_leaders([{"sub": "person-999", "name": None}], known, shorthand=True)
    assert err.value.details[0]["field"] == "leader"


def test_assessors_must_be_assessors_development_subs_as_before():
    assessor = SimpleNamespace(sub="person-950", name="第三方", disabled=False, holds=True)
    evaluation.check_assessors(["person-950", "assessor-wang"], {"person-950": assessor})
    evaluation.check_assessors(["assessor-wang"])
    for bad in ("person-951", "person-901"):
        with pytest.raises(ValidationFailed) as err:
            evaluation.check_assessors(["assessor-wang", bad],
                                       {"person-950": assessor, "person-901": NOT_LEADER})
        assert err.value.details[0]["field"] == "assessors[1]"
