"""Attaching a file to a reply (issue 15): the signed 答复函 as a PDF, or another document, by the
unit that gave the reply or by the office. The file is checked by its content
(services/common/files.py) and kept in this service's database; reads are in views.py."""
from services.assignment import domain
from services.assignment.models import AssignmentUnit, Reply, ReplyAttachment
from services.assignment.rules import Rules
from services.assignment.store import hidden, load
from services.common import files
from services.common.clock import now
from services.common.errors import NotFound


def attach(tx, actor: dict, assignment_id: int, reply_id: int, filename: str | None, content: bytes,
           rules: Rules) -> ReplyAttachment:
    a = load(tx, assignment_id)
    on_assignment = tx.get(AssignmentUnit, (a.id, actor.get("unit_id"))) is not None
    if actor.get("role") == "unit" and not on_assignment:
        raise hidden(a.id)  # not its assignment: it does not exist for it
    reply = tx.get(Reply, reply_id)
    if reply is None or reply.assignment_id != a.id:
        raise NotFound(f"assignment {a.id} has no reply {reply_id}")
    domain.check_reply_file(actor, reply.unit_id, on_assignment)
    checked = files.check(content, filename, rules.attachment_max_bytes)
    row = ReplyAttachment(assignment_id=a.id, reply_id=reply.id, unit_id=reply.unit_id, filename=checked.filename,
                          media_type=checked.media_type, size=checked.size, sha256=checked.sha256, content=content,
                          uploaded_by=actor.get("sub") or actor.get("role"), uploaded_at=now())
    tx.add(row)
    tx.flush()
    return row
