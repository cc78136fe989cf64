"""Attaching a photo or document to a suggestion (issue 15): the lead deputy while it is a draft or
submitted, the office at any time. The file is checked by its content (services/common/files.py)
and kept in this service's database; the timeline says who attached what. Reads and downloads
are in views.py."""
from services.common import files
from services.common.clock import now
from services.suggestion import domain
from services.suggestion.models import Attachment
from services.suggestion.rules import Rules
from services.suggestion.store import actor_name, add_timeline, load_own


def attach(tx, actor: dict, suggestion_id: int, filename: str | None, content: bytes, rules: Rules) -> Attachment:
    s = load_own(tx, actor, suggestion_id)  # its lead deputy (a co-signer: 403), or the office
    domain.check_attach(actor.get("role"), s.status)
    checked = files.check(content, filename, rules.attachment_max_bytes)
    row = Attachment(suggestion_id=s.id, filename=checked.filename, media_type=checked.media_type,
                     size=checked.size, sha256=checked.sha256, content=content, uploaded_by=actor_name(actor),
                     uploaded_at=now())
    tx.add(row)
    tx.flush()
    add_timeline(tx, s.id, "attachment_added", row.uploaded_by, f"附件：{row.filename}", at=row.uploaded_at)
    return row
