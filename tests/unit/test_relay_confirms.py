"""Confirms' bookkeeping: RabbitMQ's numbering of a channel's publishes, acks in any order,
``multiple`` settling every number up to its own, a nack refusing the batch."""
from collections import defaultdict

import pytest

from services.common.relay import Confirms, PublishRefused


class FakeChannel:
    def __init__(self):
        self.events = defaultdict(set)
        self.confirm_selected = False

    def confirm_select(self):
        self.confirm_selected = True

    def ack(self, tag, multiple=False):
        for callback in self.events["basic_ack"]:
            callback(tag, multiple)

    def nack(self, tag, multiple=False):
        for callback in self.events["basic_nack"]:
            callback(tag, multiple)


class FakeConnection:
    """drain_events delivers the next confirm the broker has queued."""

    def __init__(self, frames):
        self.frames = list(frames)

    def drain_events(self, timeout):
        self.frames.pop(0)()


def published(channel, n):
    confirms = Confirms(channel)
    for _ in range(n):
        confirms.published_one()
    return confirms


def test_acks_in_any_order_and_multiple_settle_the_batch():
    channel = FakeChannel()
    confirms = published(channel, 5)
    assert channel.confirm_selected and confirms.pending == {1, 2, 3, 4, 5}
    channel.ack(2)  # read while publishing
    confirms.wait_all(FakeConnection([lambda: channel.ack(5), lambda: channel.ack(3, multiple=True),
                                      lambda: channel.ack(4)]), deadline=0)
    assert confirms.pending == set()


def test_numbering_goes_on_across_batches_of_one_channel():
    channel = FakeChannel()
    confirms = published(channel, 3)
    channel.ack(3, multiple=True)
    confirms.published_one()
    assert confirms.pending == {4}


def test_a_nack_refuses_the_batch_once_all_are_settled():
    channel = FakeChannel()
    confirms = published(channel, 3)
    connection = FakeConnection([lambda: channel.nack(2, multiple=True), lambda: channel.ack(3)])
    with pytest.raises(PublishRefused):
        confirms.wait_all(connection, deadline=0)
    assert connection.frames == [] and confirms.pending == set()
