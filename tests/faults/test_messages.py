"""Duplicate delivery changes nothing; every bad message, in every consumer, is parked."""
import json
import subprocess

from tests.conftest import ROOT
from tests.faults.messages import bad_messages, plant, republish_sent
from tests.faults.reconcile import rows, scalar
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
    """Undecodable bodies, text/plain, and envelopes whose payload does not validate, planted in
    each consumer's queue during the stream: each one in that service's dead letters (listed by
    the CLI), none half-applied, and the good events around them handled as ever."""
    with under_load(system, "bad-messages") as run:
        planted = {svc: bad_messages(svc) for svc in CONSUMERS}
        for svc, messages in planted.items():
            plant(system.node.amqp_uri, svc, messages)
            run.planted[svc] = len(messages)

        def new_letters():
            return {svc: rows(system, svc, "SELECT event_id, type, error FROM dead_letters WHERE id > :m",
                              m=run.mark.dead_letters[svc]) for svc in CONSUMERS}
        try:
            wait_for(lambda: all(len(new_letters()[svc]) >= run.planted[svc] for svc in CONSUMERS),
                     timeout=45, interval=1, what="every bad message parked")
        except AssertionError:
            pass  # reported below with everything else
        problems = []
        for svc, letters in new_letters().items():
            if len(letters) != run.planted[svc]:
                problems.append(f"{svc}: {run.planted[svc]} planted, {len(letters)} parked "
                                f"{[(x.type, x.error[:80]) for x in letters]}")
            listed_ids = {letter["event_id"] for letter in listed(system, svc)}  # what an operator sees
            if missing := [e for _, _, e in planted[svc] if e and e not in listed_ids]:
                problems.append(f"{svc}: invalid events not listed by the deadletters CLI: {missing}")
        invalid = [e for _, _, e in planted["evaluation"] if e]
        if traces := scalar(system, "evaluation", "SELECT count(*) FROM event_log WHERE event_id = ANY(:ids)",
                            ids=invalid):
            problems.append(f"evaluation stored {traces} invalid events in its event_log")
        if strays := rows(system, "notify", "SELECT recipient, type FROM notifications WHERE id > :m "
                          "AND recipient !~ '^(deputy|unit):[0-9]+$|^role:'", m=run.mark.notification):
            problems.append(f"notify notified made-up recipients: {[tuple(r) for r in strays[:8]]}")
        assert not problems, "\n".join(problems)
        run.carries_on(2)  # and the consumers carry on with the good ones
