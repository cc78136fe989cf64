"""Answers of notify: the inbox, a notification's delivery log, the channel preferences.

Built by services/notify (views.py). A recipient is a key like deputy:5, unit:3, station:2 or
role:office.
"""
from datetime import datetime
from typing import Literal

from pydantic import Field

from gateway.answers.common import Answer, page_of

RECIPIENT = "the inbox: deputy:<id>, unit:<id>, station:<id> or role:<office|leader|admin>"


class NotificationAnswer(Answer):
    """One message in a person's inbox."""
    id: int
    type: str = Field(description="the event it tells of, e.g. suggestion.accepted, assignment.overdue")
    title: str
    body: str
    suggestion_id: int | None
    created_at: datetime
    read: bool
    read_at: datetime | None


NotificationPage = page_of(NotificationAnswer, "NotificationPage")


class NotificationDelivery(Answer):
    """The notification sent over one channel: its retry state and log."""
    id: int
    channel: Literal["email", "webhook"]
    address: str = Field(description="comma-separated e-mail addresses, or the webhook URL")
    state: Literal["pending", "delivered", "dead"] = Field(description="dead: retries used up")
    attempts: int
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="when pending: the next try")
    last_error: str | None
    delivered_at: datetime | None
    dead_letter_id: int | None = Field(description="the dead letter to replay, when dead")


class NotificationDeliveriesAnswer(Answer):
    """The delivery log of one notification (the inbox itself always has it)."""
    notification_id: int
    recipient: str = Field(description=RECIPIENT)
    items: list[NotificationDelivery]
    total: int


class NotificationPreferencesAnswer(Answer):
    """Which channels besides the inbox the caller wants."""
    recipient: str = Field(description=RECIPIENT)
    email: bool
    webhook: bool
