"""Pure rules of identity: who a person is in a token, and which roles may be held together."""

# 三员分立: the three administrative duties, never two of them in one person
ADMINISTRATIVE = ("admin", "security_admin", "auditor")
# the roles of the suggestion work; deputy/unit/station bindings name their deputy/unit/station
BUSINESS = ("office", "leader", "assessor", "deputy", "unit", "station")
SCOPE_OF = {"deputy": "deputy_id", "unit": "unit_id", "station": "station_id"}


def subject(account_id: int) -> str:
    """The ``sub`` of a person's tokens: stable for life, never reused (a login may be renamed)."""
    return f"person-{account_id}"


def account_id_of(sub: str | None) -> int | None:
    if sub and sub.startswith("person-") and sub[7:].isdigit():
        return int(sub[7:])
    return None
