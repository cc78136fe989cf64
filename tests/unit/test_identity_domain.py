"""Pure rules of identity: the password policy and 三员分立 (services/identity/domain.py, policy.py)."""
import pytest

from services.common.errors import ValidationFailed
from services.identity import domain
from services.identity.credentials import one_time_password
from services.identity.policy import Policy, defaults_from
from services.identity.service import without_passwords

POLICY = Policy()


def test_the_default_policy():
    assert POLICY.as_dict() == {"min_length": 12, "classes": 3, "history": 5, "lockout_threshold": 5,
                                "lockout_minutes": 15, "idle_minutes": 30, "access_ttl_seconds": 600,
                                "mfa_roles": ["office", "leader", "admin", "security_admin", "auditor"]}


def test_a_good_password_has_no_problems():
    assert domain.password_problems("Quiet-river-2026", "zhangsan", POLICY) == []
    assert domain.password_problems("长城长城ABCdef12", "zhangsan", POLICY) == []  # 汉字 count as symbols


@pytest.mark.parametrize("password, fragment", [
    ("Short-1a", "at least 12 characters"),
    ("alllowercaseletters", "at least 3 of"),
    ("ALLUPPER1234567", "at least 3 of"),
    ("zhangsan-Pass-1", "login name"),
    ("ZHANGSAN-pass-1", "login name"),
])
def test_each_broken_rule_is_named(password, fragment):
    problems = domain.password_problems(password, "zhangsan", POLICY)
    assert any(fragment in p for p in problems), problems


def test_every_rule_broken_at_once_is_listed():
    assert len(domain.password_problems("zhangsan", "zhangsan", POLICY)) == 3


def test_the_policy_decides_length_and_classes():
    loose = Policy(min_length=8, classes=2)
    assert domain.password_problems("abcdefg1", "x", loose) == []
    assert domain.password_problems("abcdefg1", "x", Policy(min_length=8, classes=3)) != []


def test_character_classes():
    assert domain.character_classes("aB3!") == {"lower", "upper", "digit", "symbol"}
    assert domain.character_classes("abc def") == {"lower"}  # a space is no symbol


def test_one_time_passwords_meet_any_policy():
    strict = Policy(min_length=16, classes=4)
    for _ in range(50):
        password = one_time_password()
        assert domain.password_problems(password, "admin", strict) == []
    assert one_time_password() != one_time_password()


def test_defaults_from_config():
    policy = defaults_from({"PASSWORD_MIN_LENGTH": 14, "MFA_ROLES": "admin, security_admin,admin",
                            "LOCKOUT_MINUTES": "20"})
    assert (policy.min_length, policy.lockout_minutes, policy.mfa_roles) == (14, 20, ("admin", "security_admin"))
    with pytest.raises(ValidationFailed) as err:
        defaults_from({"PASSWORD_MIN_LENGTH": 6})
    assert err.value.details[0]["field"] == "min_length"
    with pytest.raises(ValidationFailed):
        defaults_from({"MFA_ROLES": "admin,wizard"})


# ---- 三员分立 -------------------------------------------------------------------------------
SEC = ("security_admin", "person-1")
ADMIN = ("admin", "person-2")


@pytest.mark.parametrize("role", ["office", "leader", "assessor", "deputy", "unit", "station"])
def test_business_roles_are_bound_by_admin_or_security_admin(role):
    assert domain.binding_problem(*ADMIN, "person-9", role, []) is None
    assert domain.binding_problem(*SEC, "person-9", role, []) is None
    assert domain.binding_problem("office", "person-3", "person-9", role, [])[0] == "forbidden"


@pytest.mark.parametrize("role", domain.ADMINISTRATIVE)
def test_administrative_roles_only_by_a_security_admin_never_to_oneself(role):
    assert domain.binding_problem(*SEC, "person-9", role, ["office"]) is None
    assert domain.binding_problem(*ADMIN, "person-9", role, [])[0] == "forbidden"
    assert domain.binding_problem(*SEC, "person-1", role, [])[0] == "forbidden"


def test_no_one_holds_two_of_the_three():
    kind, message = domain.binding_problem(*SEC, "person-9", "auditor", ["admin", "office"])
    assert kind == "conflict" and "admin" in message
    assert domain.binding_problem(*SEC, "person-9", "admin", ["admin"]) is None  # the same role: not two
    assert domain.administrative_conflict(["admin", "auditor"]) is not None
    assert domain.administrative_conflict(["admin", "office", "leader"]) is None


def test_a_development_sub_is_not_the_person():
    """A dev token's sub ("secadmin-dev") is nobody's subject: never equal to person-<id>."""
    assert domain.binding_problem("security_admin", "secadmin-dev", "person-1", "auditor", []) is None


def test_unbinding():
    assert domain.unbinding_problem(*SEC, "person-9", "security_admin", 1) is None
    assert domain.unbinding_problem(*SEC, "person-9", "security_admin", 0)[0] == "conflict"
    assert domain.unbinding_problem(*SEC, "person-1", "auditor", 3)[0] == "forbidden"
    assert domain.unbinding_problem(*ADMIN, "person-9", "auditor", 3)[0] == "forbidden"
    assert domain.unbinding_problem(*ADMIN, "person-9", "unit", 0) is None
    assert domain.unbinding_problem("leader", "person-5", "person-9", "unit", 0)[0] == "forbidden"


def test_who_looks_after_an_account():
    assert domain.managing_problem(*ADMIN, "person-9", ["unit"]) is None
    assert domain.managing_problem(*SEC, "person-9", ["unit"])[0] == "forbidden"
    assert domain.managing_problem(*ADMIN, "person-9", ["security_admin"])[0] == "forbidden"
    assert domain.managing_problem(*SEC, "person-9", ["admin"]) is None
    assert domain.managing_problem(*ADMIN, "person-2", ["office"])[0] == "forbidden"  # oneself


def test_subjects():
    assert domain.subject(7) == "person-7" and domain.account_id_of("person-7") == 7
    assert domain.account_id_of("admin-dev") is None


def test_replays_never_carry_a_password():
    answer = {"id": 1, "initial_password": "x", "accounts": [{"id": 2, "initial_password": "y"}]}
    assert without_passwords(answer) == {"id": 1, "initial_password": None,
                                         "accounts": [{"id": 2, "initial_password": None}]}
