"""A live stream of whole lifecycles through the gateway, every request and answer recorded.

A few threads (green under the suite's eventlet) each register their own deputies and
units, then run 提 → 交 → 办 → 评 (submit, accept, assign, sign twice, reply, rate) over
and over until stopped, as a careful client would: every creating POST carries an
Idempotency-Key, and a 503 or a lost answer is retried with the same key until it
succeeds. A 409 on the retry of a state change means the lost attempt was applied.
Stopping lets every thread finish the lifecycle it is in, so each one started is whole.
"""
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

from gateway.tokens import make_token

OFFICE = make_token("office", sub="office-faults")
RETRY_PAUSE = 0.3
STEP_DEADLINE = 120.0  # a step still failing after this is reported, not retried for ever
REQUEST_TIMEOUT = 15.0


@dataclass
class Call:
    step: str
    method: str
    path: str
    status: int | None  # None: no answer (connection refused or cut, timed out)
    key: str | None
    answer: str = ""  # kept for anything but 2xx


@dataclass
class Lifecycle:
    lead: int
    cosigner: int
    unit: int
    co_unit: int
    suggestion_id: int | None = None
    number: str | None = None
    assignment_id: int | None = None


class StepFailed(Exception):
    pass


class Client:
    """One thread's HTTP client: retries what the contract says may be retried, records all."""

    def __init__(self, url: str, record, aborted: threading.Event):
        self.url, self.record, self.aborted = url + "/api/v1", record, aborted
        self.http = requests.Session()

    def step(self, name: str, method: str, path: str, tok: str, body=None, ok=(200,), creating=False):
        key = str(uuid.uuid4()) if creating else None
        headers = {"Authorization": f"Bearer {tok}", **({"Idempotency-Key": key} if key else {})}
        uncertain, deadline = False, time.monotonic() + STEP_DEADLINE
        while True:
            try:
                response = self.http.request(method, self.url + path, json=body, headers=headers,
                                             timeout=REQUEST_TIMEOUT)
                status, text = response.status_code, ("" if response.ok else response.text[:500])
            except requests.RequestException as exc:
                self.http = requests.Session()  # a cut connection must not be reused
                status, text = None, repr(exc)[:500]
            self.record(Call(name, method, path, status, key, text))
            if status in ok:
                return response.json()
            if status == 409 and uncertain and not creating:
                return None  # the attempt whose answer was lost did it
            if status is not None and status < 500:
                raise StepFailed(f"{method} {path} ({name}): {status} {text}")
            uncertain = True
            if self.aborted.is_set():
                raise StepFailed(f"{method} {path} ({name}): aborted while still {status}")
            if time.monotonic() > deadline:
                raise StepFailed(f"{method} {path} ({name}): still {status} after {STEP_DEADLINE:.0f}s: {text}")
            time.sleep(RETRY_PAUSE)


@dataclass
class Stream:
    url: str
    session: str  # the 届次 label of this stream's suggestions: its numbers are checked gapless
    threads: int = 3
    max_seconds: float = 300.0  # no new lifecycle after this, stopped or not
    calls: list[Call] = field(default_factory=list)
    lifecycles: list[Lifecycle] = field(default_factory=list)  # finished ones
    failures: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._stop, self._abort = threading.Event(), threading.Event()
        self._workers: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self) -> "Stream":
        self._until = time.monotonic() + self.max_seconds
        for i in range(self.threads):
            worker = threading.Thread(target=self._run, name=f"stream-{i}", daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def wait_lifecycles(self, count: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.lifecycles) < count:
            assert not self.failures, self.failures
            assert time.monotonic() < deadline, f"only {len(self.lifecycles)} lifecycles in {timeout}s"
            time.sleep(0.2)

    def stop(self, timeout: float = 200.0) -> "Stream":
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout)
        alive = [w.name for w in self._workers if w.is_alive()]
        assert not alive, f"stream threads still running after {timeout}s: {alive}"
        return self

    def abort(self) -> None:
        """Stop without finishing: the test already failed, retrying would only add minutes."""
        self._abort.set()
        self.stop()

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _run(self) -> None:
        client = Client(self.url, self._record, self._abort)
        try:
            actors = self._register(client)
            while not self._stop.is_set() and time.monotonic() < self._until:
                life = Lifecycle(**actors)
                self._lifecycle(client, life)
                with self._lock:
                    self.lifecycles.append(life)
        except StepFailed as exc:
            self.failures.append(str(exc))

    def _register(self, client: Client) -> dict:
        tag = uuid.uuid4().hex[:8]

        def deputy(name):
            return client.step("register", "POST", "/deputies", OFFICE, {
                "name": name, "level": "city", "delegation": "东城代表团"}, ok=(201,), creating=True)["id"]

        def unit(code):
            return client.step("register", "POST", "/units", OFFICE, {
                "name": f"市交通运输局{code}", "code": f"{code}-{tag}", "duties": "公共交通", "keywords": ["公交"],
                "categories": ["transport"]}, ok=(201,), creating=True)["id"]
        return {"lead": deputy("王建国"), "cosigner": deputy("李红梅"), "unit": unit("JT"), "co_unit": unit("JG")}

    def _lifecycle(self, client: Client, life: Lifecycle) -> None:
        lead = make_token("deputy", sub=f"deputy-{life.lead}", deputy_id=life.lead)
        unit = make_token("unit", sub=f"unit-{life.unit}", unit_id=life.unit)
        co_unit = make_token("unit", sub=f"unit-{life.co_unit}", unit_id=life.co_unit)
        s = client.step("submit", "POST", "/suggestions", lead, {
            "title": "关于解决某小区居民公交出行问题的建议", "body": "该小区距最近公交站两公里，建议增设站点。",
            "category": "transport", "kind": "session", "session": self.session, "source": "research",
            "co_signer_ids": [life.cosigner]}, ok=(201,), creating=True)
        life.suggestion_id, life.number = s["id"], s["number"]
        client.step("accept", "POST", f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"})
        a = client.step("assign", "POST", f"/suggestions/{s['id']}/assignment", OFFICE, {
            "lead_unit_id": life.unit, "co_unit_ids": [life.co_unit]}, ok=(201,), creating=True)
        life.assignment_id = a["id"]
        client.step("sign", "POST", f"/assignments/{a['id']}/sign", unit)
        client.step("sign", "POST", f"/assignments/{a['id']}/sign", co_unit)
        client.step("reply", "POST", f"/assignments/{a['id']}/reply", unit, {
            "result_class": "A", "content": "已增设公交站点。", "signed_by": "张局长"}, ok=(201,), creating=True)
        client.step("rate", "POST", f"/assignments/{a['id']}/evaluation", lead, {"satisfaction": "satisfied"},
                    ok=(201,), creating=True)
