"""After a fault: the stream's record held against what every service stored.

Nothing lost, nothing doubled: each lifecycle the stream finished is there exactly once
(one suggestion per submission key, numbers gapless per session, one assignment, each
timeline step once, each notification once per recipient and event, the points once,
the rates counting every lifecycle); clients saw only 2xx, 503 and the 409 of a retried
step that had been applied; every outbox sent and every queue drained; no dead letter
but those the test planted; each submission and acceptance has its audit record (issue 16).
"""
import re
import time
from collections import Counter

import requests
from sqlalchemy import text

from scripts.isolation import SERVICES
from tests.faults.stream import OFFICE, Lifecycle, Stream

EXPECTED_TIMELINE = Counter({"submitted": 1, "accepted": 1, "assigned": 1, "signed": 2, "replied": 1,
                             "evaluated": 1, "closed": 1})
RECIPIENT = re.compile(r"^(deputy|unit|station):[1-9][0-9]*$|^role:[a-z_]+$")
SETTLE_SECONDS = 120.0


def expected_notifications(life: Lifecycle) -> Counter:
    sid, lead = life.suggestion_id, f"deputy:{life.lead}"
    return Counter({
        ("role:office", "suggestion.submitted", sid): 1, (lead, "suggestion.accepted", sid): 1,
        (lead, "assignment.assigned", sid): 1, (f"unit:{life.unit}", "assignment.assigned", sid): 1,
        (f"unit:{life.co_unit}", "assignment.assigned", sid): 1, (lead, "assignment.replied", sid): 1,
        (f"deputy:{life.cosigner}", "assignment.replied", sid): 1})


def scalar(system, service: str, sql: str, **params):
    with system.engine(service).connect() as conn:
        return conn.execute(text(sql), params).scalar()


def rows(system, service: str, sql: str, **params) -> list:
    with system.engine(service).connect() as conn:
        return conn.execute(text(sql), params).all()


class Mark:
    """Where the dead letters and notifications stood before a test's stream started."""

    def __init__(self, system):
        self.dead_letters = {svc: scalar(system, svc, "SELECT coalesce(max(id), 0) FROM dead_letters")
                             for svc in SERVICES}
        self.notification = scalar(system, "notify", "SELECT coalesce(max(id), 0) FROM notifications")


def settle(system, timeout: float = SETTLE_SECONDS) -> str | None:
    """Wait until every outbox is sent and every event queue is empty (twice in a row)."""
    deadline, calm, state = time.monotonic() + timeout, 0, None
    while time.monotonic() < deadline:
        unsent = {svc: scalar(system, svc, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") for svc in SERVICES}
        queued = {q: n for q, n in system.node.queues().items() if q.endswith(".events") and any(n)}
        state = f"unsent outbox rows {unsent}, event queues (ready, unacked) {queued}"
        calm = calm + 1 if not any(unsent.values()) and not queued else 0
        if calm == 2:
            return None
        time.sleep(0.5)
    return f"not settled after {timeout:.0f}s: {state}"


def answers(stream: Stream, allow_no_answer: bool) -> list[str]:
    problems = []
    bad = [c for c in stream.calls if c.status is not None and c.status >= 500 and c.status != 503]
    if bad:
        problems.append(f"{len(bad)} answers 5xx other than 503, e.g. " + "; ".join(
            f"{c.method} {c.path} ({c.step}) → {c.status} {c.answer[:200]}" for c in bad[:5]))
    lost = [c for c in stream.calls if c.status is None]
    if lost and not allow_no_answer:
        problems.append(f"{len(lost)} requests got no answer, e.g. {lost[0].path}: {lost[0].answer}")
    refused = [c for c in stream.calls if c.status is not None and 400 <= c.status < 500 and c.status != 409]
    if refused:
        problems.append("4xx answers to a valid lifecycle: " + "; ".join(
            f"{c.method} {c.path} → {c.status} {c.answer[:200]}" for c in refused[:5]))
    return problems + [f"stream thread stopped: {f}" for f in stream.failures]


def suggestions(system, stream: Stream) -> list[str]:
    problems, ids = [], {life.suggestion_id for life in stream.lifecycles}
    stored = rows(system, "suggestion", "SELECT id, number, status FROM suggestions WHERE session = :s",
                  s=stream.session)
    if {r.id for r in stored} != ids or len(stored) != len(ids):
        problems.append(f"session {stream.session}: {len(stored)} suggestions stored for {len(ids)} lifecycles "
                        f"(extra {sorted({r.id for r in stored} - ids)}, missing {sorted(ids - {r.id for r in stored})})")
    numbers = sorted(r.number for r in stored)
    if numbers != list(range(1, len(stored) + 1)):
        problems.append(f"numbers not gapless and unique: {numbers}")
    if open_ := [(r.id, r.status) for r in stored if r.status != "closed"]:
        problems.append(f"suggestions not closed: {open_[:10]}")
    steps: dict[int, Counter] = {}
    for sid, type_, count in rows(system, "suggestion", "SELECT suggestion_id, type, count(*) FROM timeline "
                                  "WHERE suggestion_id = ANY(:ids) GROUP BY 1, 2", ids=list(ids)):
        steps.setdefault(sid, Counter())[type_] = count
    if wrong := {sid: dict(steps.get(sid, {})) for sid in ids if steps.get(sid) != EXPECTED_TIMELINE}:
        problems.append(f"timelines not each step once ({dict(EXPECTED_TIMELINE)}): {dict(list(wrong.items())[:5])}")
    return problems


def assignments(system, stream: Stream) -> list[str]:
    ids = [life.suggestion_id for life in stream.lifecycles]
    stored = rows(system, "assignment", "SELECT a.suggestion_id, a.state, "
                  "(SELECT count(*) FROM replies r WHERE r.assignment_id = a.id) AS replies, "
                  "(SELECT count(*) FROM assignment_units u WHERE u.assignment_id = a.id AND u.signed_at IS NOT NULL) "
                  "AS signed FROM assignments a WHERE a.suggestion_id = ANY(:ids)", ids=ids)
    per = Counter(r.suggestion_id for r in stored)
    problems = []
    if missing_or_double := {sid: per[sid] for sid in ids if per[sid] != 1}:
        problems.append(f"assignments per suggestion not one: {missing_or_double}")
    if wrong := [tuple(r) for r in stored if (r.state, r.replies, r.signed) != ("closed", 1, 2)]:
        problems.append(f"assignments not closed with one reply and two signs: {wrong[:5]}")
    return problems


def notifications(system, stream: Stream, mark: Mark) -> list[str]:
    ids = [life.suggestion_id for life in stream.lifecycles]
    expected = sum((expected_notifications(life) for life in stream.lifecycles), Counter())
    stored = Counter(tuple(r) for r in rows(
        system, "notify", "SELECT recipient, type, suggestion_id FROM notifications WHERE suggestion_id = ANY(:ids)",
        ids=ids))
    problems = []
    if stored != expected:
        problems.append(f"notifications: missing {dict(list((expected - stored).items())[:5])}, "
                        f"extra {dict(list((stored - expected).items())[:5])}")
    doubled = rows(system, "notify", "SELECT recipient, event_id, count(*) FROM notifications "
                   "GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 5")
    if doubled:
        problems.append(f"notified twice of one event: {[tuple(r) for r in doubled]}")
    strays = rows(system, "notify", "SELECT id, recipient, type, suggestion_id FROM notifications WHERE id > :m "
                  "AND (suggestion_id IS NULL OR NOT suggestion_id = ANY(:ids)) LIMIT 5",
                  m=mark.notification, ids=ids)
    strays += [r for r in rows(system, "notify", "SELECT id, recipient, type, suggestion_id FROM notifications "
                               "WHERE id > :m", m=mark.notification) if not RECIPIENT.match(r.recipient)][:5]
    if strays:
        problems.append(f"notifications nobody's lifecycle asked for: {[tuple(r) for r in strays]}")
    return problems


def points(system, stream: Stream) -> list[str]:
    expected = Counter()
    for life in stream.lifecycles:
        for reason in ("suggestion_submitted", "suggestion_accepted"):
            expected[(life.lead, reason, str(life.suggestion_id))] = 1
    stored = Counter(tuple(r) for r in rows(
        system, "station", "SELECT deputy_id, reason, source_id FROM points WHERE source_type = 'suggestion' "
        "AND source_id = ANY(:ids)", ids=[str(life.suggestion_id) for life in stream.lifecycles]))
    if stored != expected:
        return [f"points: missing {dict(list((expected - stored).items())[:5])}, "
                f"extra {dict(list((stored - expected).items())[:5])}"]
    return []


def rates(system, stream: Stream) -> list[str]:
    n = len(stream.lifecycles)
    answer = requests.get(f"{system.url}/api/v1/stats/rates", params={"session": stream.session},
                          headers={"Authorization": f"Bearer {OFFICE}"}, timeout=15).json()
    got = {k: answer.get(k) for k in ("assigned", "replied", "evaluated", "satisfied")}
    got["A"] = answer.get("classes", {}).get("A")
    if got != dict.fromkeys(got, n):
        return [f"rates of session {stream.session} count {got}, not the {n} lifecycles done"]
    return []


AUDITED_STEPS = ("POST /api/v1/suggestions", "POST /api/v1/suggestions/{suggestion_id}/screening")


def audit_trail(system, stream: Stream) -> list[str]:
    """No write without its record: the suggestion service's record of each lifecycle's submission and
    acceptance reached identity (a kill between the write's commit and the relay is the outbox's case)."""
    ids = [life.suggestion_id for life in stream.lifecycles]
    stored = {(r.action, r.sid) for r in rows(
        system, "identity", "SELECT DISTINCT action, (jsonb_array_elements(targets->'suggestion_id'))::bigint AS sid "
        "FROM audit_records WHERE service = 'suggestion' AND outcome = 'ok' AND action = ANY(:actions)",
        actions=list(AUDITED_STEPS))}
    missing = [(action, sid) for sid in ids for action in AUDITED_STEPS if (action, sid) not in stored]
    return [f"writes without their audit record: {missing[:5]}"] if missing else []


def dead_letters(system, mark: Mark, planted: dict[str, int]) -> tuple[list[str], dict[str, list]]:
    problems, found = [], {}
    for svc in SERVICES:
        found[svc] = rows(system, svc, "SELECT id, event_id, type, error FROM dead_letters WHERE id > :m ORDER BY id",
                          m=mark.dead_letters[svc])
        if len(found[svc]) != planted.get(svc, 0):
            problems.append(f"{svc}: {len(found[svc])} new dead letters, {planted.get(svc, 0)} planted: "
                            f"{[(r.type, r.error[:120]) for r in found[svc][:5]]}")
    return problems, found


def reconcile(system, stream: Stream, mark: Mark, planted: dict[str, int] | None = None,
              allow_no_answer: bool = False) -> None:
    """Assert everything above, reporting every problem found (not just the first)."""
    assert stream.lifecycles, "the stream finished no lifecycle"
    problems = answers(stream, allow_no_answer)
    if unsettled := settle(system):
        problems.append(unsettled)
    for check in (suggestions, assignments, points, rates, audit_trail):
        problems += check(system, stream)
    problems += notifications(system, stream, mark)
    problems += dead_letters(system, mark, planted or {})[0]
    statuses = Counter(c.status for c in stream.calls)
    assert not problems, (f"{len(stream.lifecycles)} lifecycles, answers {dict(statuses)}:\n- "
                          + "\n- ".join(problems))
