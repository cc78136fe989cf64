"""Answers of the operations routes: /healthz and /readyz (gateway/service.py)."""
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer


class HealthAnswer(Answer):
    status: Literal["ok"]


class ReadinessAnswer(Answer):
    """200 with the services when ready; 503 naming what is down."""
    status: Literal["ready", "down"]
    services: list[str] = Field(default_factory=list, description="when ready: every service that answered")
    down: list[str] = Field(default_factory=list, description="when down: rabbitmq, or the services that did not answer")
    error: str | None = Field(None, description="when RabbitMQ itself is down: why")
