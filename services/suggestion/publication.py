"""Disclosure (公开): what the public site shows of a suggestion, reviewed by the office.

The office previews the title, body and every reply as they would be published, with
each masked span (redaction.py; the preview is a read: views.preview), then publishes:
masked by default, or with its own reviewed texts. The published texts are stored beside
the originals, which only staff see. A reply arriving after publication has no reviewed
text yet: it is shown masked.
"""
from services.common.clock import now
from services.common.errors import ValidationFailed
from services.common.validation import parse
from services.suggestion import domain
from services.suggestion.events import Published
from services.suggestion.models import Suggestion
from services.suggestion.redaction import redact
from services.suggestion.schemas import PublishIn
from services.suggestion.store import actor_name, add_timeline, event_payload, load, replies_of


def publish(tx, actor: dict, suggestion_id: int, data: dict) -> Suggestion:
    """Publish (again): every part gets the office's text if given, else the masked (or, with
    redact false, the original) one. Publishing again replaces the published texts."""
    form = parse(PublishIn, data)
    s = load(tx, suggestion_id, lock=True)
    domain.check_publish(s.status)
    texts = form.texts.model_dump() if form.texts else {"replies": []}
    replies = {r.id: r for r in replies_of(tx, s.id)}
    unknown = [{"field": f"texts.replies.{i}.id", "message": f"suggestion {s.id} has no reply {given['id']}"}
               for i, given in enumerate(texts["replies"]) if given["id"] not in replies]
    if unknown:
        raise ValidationFailed(unknown[0]["message"], unknown)
    given = {r["id"]: r["content"] for r in texts["replies"]}

    def chosen(reviewed, original):
        return reviewed if reviewed is not None else redact(original)[0] if form.redact else original
    s.public_title, s.public_body = chosen(texts.get("title"), s.title), chosen(texts.get("body"), s.body)
    for reply_id, reply in replies.items():
        reply.public_content = chosen(given.get(reply_id), reply.content)
    if not s.public:
        s.public, s.published_at = True, now()
        add_timeline(tx, s.id, "published", actor_name(actor), "公开", at=s.published_at)
        tx.publish(event_payload(tx, s, Published))
    return s
