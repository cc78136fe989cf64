"""The office's jurisdiction for routing (issue 18): OFFICE_LEVEL/OFFICE_REGION in the assignment rules,
and which units are in scope (the model's rule, routing.RoutingModel.in_scope)."""
import pytest

from services.assignment import recommend
from services.assignment.routing import RoutingModel, Scope, UnitProfile
from services.assignment.rules import rules_from


def test_the_offices_level_and_region_come_from_the_config():
    rules = rules_from({"OFFICE_LEVEL": "city", "OFFICE_REGION": " 云南省曲靖市 "})
    assert (rules.office_level, rules.office_region) == ("city", "云南省曲靖市")
    scope = recommend.scope_of(rules)
    assert (scope.level, scope.region) == ("city", "云南省曲靖市")
    empty = rules_from({"OFFICE_LEVEL": "", "OFFICE_REGION": None})
    assert (empty.office_level, empty.office_region) == (None, None) and recommend.scope_of(empty) is None
    with pytest.raises(ValueError, match="OFFICE_LEVEL"):
        rules_from({"OFFICE_LEVEL": "galactic"})


def in_scope(region, scope) -> bool:
    """The model's own rule (routing.RoutingModel.in_scope) for one unit of that region."""
    model = RoutingModel.build([UnitProfile(1, "示范市交通运输局", "公共交通", region=region)])
    return model.in_scope(1, scope)


@pytest.mark.parametrize("region, inside", [
    ("云南省曲靖市", True),            # the office's own region
    ("云南省", True),                  # above it: a provincial department
    ("云南省曲靖市沾益区", False),     # below it: a county's bureau is not first for a city's congress
    ("云南省昭通市", False),           # another city
    ("云南省昭通市鲁甸县", False),     # another city's county
    (None, True),                      # no region given: never pushed back
])
def test_a_unit_is_in_scope_in_above_or_below_the_offices_region(region, inside):
    assert in_scope(region, Scope("city", "云南省曲靖市")) is inside


def test_a_county_congress_may_send_to_its_townships():
    scope = Scope("county", "云南省曲靖市沾益区")
    assert in_scope("云南省曲靖市沾益区西平街道", scope)
    assert in_scope("云南省曲靖市", scope) and not in_scope("云南省曲靖市麒麟区", scope)


def test_without_a_region_every_unit_is_in_scope():
    assert in_scope("云南省昭通市", None)
    assert in_scope("云南省昭通市", Scope("city", None))
