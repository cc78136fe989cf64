"""What the assignment service tests share: units, accepted suggestions, assignments, a movable clock."""
from datetime import datetime, timedelta

from services.common import clock, localtime
from services.common.clock import now  # noqa: F401 - re-exported for the tests
from tests.service.conftest import truncate
from tests.service.helpers import envelope, publish, scalar, wait_for

OFFICE = {"role": "office", "sub": "office1"}
LEADER = {"role": "leader", "sub": "leader1"}
SID = 7001  # far from the ids other service tests use
REPLY = {"result_class": "A", "content": "已增开公交线路一条。", "signed_by": "王局长"}
TABLES = ("units", "suggestion_facts", "assignments", "assignment_units", "replies", "outbox", "processed_events",
          "dead_letters", "disputes", "reroutes", "contacts", "co_opinions", "urgings", "extensions",
          "supervisions", "deadline_marks", "precedents", "deputy_contacts", "reply_attachments", "people")


def unit_actor(unit_id: int) -> dict:
    return {"role": "unit", "unit_id": unit_id, "sub": f"unit{unit_id}"}


def local_due(at: str | datetime, days: int) -> datetime:
    """The due date ``days`` local days after ``at``: 23:59:59 in Asia/Shanghai (issue 15)."""
    return localtime.due_after(localtime.instant(at), days, localtime.zone())


def fresh_db(db):
    """The assignment service's test database, emptied."""
    engine = db("assignment")
    truncate(engine, *TABLES)
    return engine


def clock_mover(monkeypatch):
    """move(days): the services (running in this process) see a later time."""
    def move(days: float):
        monkeypatch.setattr(clock, "_offset", clock._offset + timedelta(days=days))
    return move


class World:
    def __init__(self, rpc, amqp, engine):
        self.rpc, self.amqp, self.engine = rpc, amqp, engine
        self.lead, self.co, self.other = [
            rpc.assignment.register_unit(OFFICE, {"name": name, "code": code, "duties": duties,
                                                  "keywords": kw, "categories": cats})["id"]
            for name, code, duties, kw, cats in (
                ("市交通运输局", "JT", "公共交通", ["公交"], ["transport"]),
                ("市规划和自然资源委员会", "GH", "城市规划", ["规划"], ["urban"]),
                ("市财政局", "CZ", "财政资金", ["资金"], ["finance"]))]
        self.next_sid = SID

    def accept(self, title: str = "关于增设公交站点的建议", category: str = "transport", session: str = "十六届三次",
               kind: str = "session") -> int:
        sid = self.next_sid
        self.next_sid += 1
        publish(self.amqp, envelope("suggestion.accepted", {
            "suggestion_id": sid, "number_label": f"第{sid:04d}号", "session": session, "title": title,
            "category": category, "kind": kind, "lead_deputy_id": 77, "co_signer_ids": [78],
            "status": "accepted"}))
        wait_for(lambda: scalar(self.engine, "select 1 from suggestion_facts where suggestion_id=:s", {"s": sid}),
                 what=f"suggestion {sid} projected")
        return sid

    def assign(self, co: bool = True, session: str = "十六届三次", kind: str = "session", **extra) -> dict:
        sid = self.accept(session=session, kind=kind)
        return self.rpc.assignment.assign(OFFICE, sid, {"lead_unit_id": self.lead,
                                                        "co_unit_ids": [self.co] if co else [], **extra})

    def signed(self, **extra) -> dict:
        a = self.assign(**extra)
        self.rpc.assignment.sign(unit_actor(self.lead), a["id"])
        return a

    def get(self, assignment_id: int, actor: dict = OFFICE) -> dict:
        return self.rpc.assignment.get(actor, assignment_id)
