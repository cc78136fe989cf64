"""Duplicate delivery changes nothing; every bad message, in every consumer, is parked."""
import json
import subprocess

from tests.conftest import ROOT
from tests.faults.messages import bad_messages, plant, republish_sent
from tests.faults.reconcile import scalar
from tests.faults.scenario import under_load
from tests.polling import wait_for

CONSUMERS = ("suggestion", "assignment", "station", "evaluation", "notify")


def test_duplicate_delivery_changes_nothing(system):
    with under_load(system, "duplicates", warmup=4) as run:
        # reconciliation counts each lifecycle's steps, notifications, points and rates exactly
        assert republish_sent(system) > 4 * 10
        run.carries_on(2)


def listed(system, service: str) -> list[dict]:
    out = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "services.common.deadletters", service, "list"],
                         cwd=ROOT, env=system.env, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_bad_messages_are_parked_in_every_consumer(system):
    with under_load(system, "bad-messages") as run:
        before = {svc: len(listed(system, svc)) for svc in CONSUMERS}
        planted = {svc: bad_messages(svc) for svc in CONSUMERS}
        for svc, messages in planted.items():
            plant(system.node.uri, svc, messages)
            run.planted[svc] = len(messages)

        def new_letters():
            return {svc: listed(system, svc)[before[svc]:] for svc in CONSUMERS}
        try:
            wait_for(lambda: all(len(new_letters()[svc]) >= run.planted[svc] for svc in CONSUMERS),
                     timeout=45, interval=1, what="every bad message in its consumer's dead letters")
        except AssertionError:
            got = {svc: [(x["type"], x["error"][:60]) for x in letters] for svc, letters in new_letters().items()}
            raise AssertionError(f"planted {run.planted}, parked {got}") from None
        for svc, messages in planted.items():
            ids = {letter["event_id"] for letter in listed(system, svc)}
            for _, _, event_id in messages:
                assert event_id is None or event_id in ids, (svc, event_id)
        # parked, not half-done: evaluation kept no trace of the invalid events in its event_log
        invalid = [e for _, _, e in planted["evaluation"] if e]
        assert scalar(system, "evaluation", "SELECT count(*) FROM event_log WHERE event_id = ANY(:ids)",
                      ids=invalid) == 0
        run.carries_on(2)  # and they carry on with the good ones
