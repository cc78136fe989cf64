"""Request models of the evaluation service."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    satisfaction: Literal["satisfied", "basic", "dissatisfied"]
    comment: str | None = Field(default=None, max_length=5000)
