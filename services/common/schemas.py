"""Field types shared by every service's request models."""
from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id can name nothing

# An id of something in the system: a positive bigint, else a 422 naming the field.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
