"""Field types shared by every service's request models, and the enums more than one service
(and the gateway's answers) name."""
from typing import Annotated, Literal, get_args

from pydantic import Field

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id can name nothing

# An id of something in the system: a positive bigint, else a 422 naming the field.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# the roles a token may carry (API.md); without a token a caller is "public"
Role = Literal["admin", "security_admin", "auditor", "office", "leader", "assessor", "deputy", "unit", "station"]
ROLES: tuple[str, ...] = get_args(Role)
# a deputy's level (代表层级)
Level = Literal["national", "provincial", "city", "county", "township"]
# a suggestion's kind: made during the congress's session (大会期间) or in recess (闭会期间)
Kind = Literal["session", "recess"]
