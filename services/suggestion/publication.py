"""Disclosure (公开): what the public site shows of a suggestion, reviewed by the office.

The office previews the title, body and every reply as they would be published, with
each masked span (redaction.py; the preview is a read: views.preview), then publishes:
masked by default, or with its own reviewed texts. The published texts are stored beside
the originals, which only staff see. A reply arriving after publication has no reviewed
text yet: it is shown masked.

A disclosure may end: ``until`` is its last day (the office's local day; the public site stops
showing it when that day ends there), and the office may withdraw it at any time with a reason
(撤回公开: ``unpublish``). Each publication, change of end and withdrawal is a timeline step.
"""
from zoneinfo import ZoneInfo

from services.common.clock import now
from services.common.localtime import end_of_local_day, local_date
from services.common.errors import ValidationFailed
from services.common.validation import parse
from services.suggestion import domain
from services.suggestion.events import Published, Unpublished
from services.suggestion.models import Suggestion
from services.suggestion.redaction import redact
from services.suggestion.schemas import PublishIn, UnpublishIn
from services.suggestion.store import actor_name, add_timeline, event_payload, load, replies_of


def publish(tx, actor: dict, suggestion_id: int, data: dict, zone: ZoneInfo) -> Suggestion:
    """Publish (again): every part gets the office's text if given, else the masked (or, with
    redact false, the original) one. Publishing again replaces the published texts and the end
    date (``until`` absent: no end)."""
    form = parse(PublishIn, data)
    s = load(tx, suggestion_id, lock=True)
    domain.check_publish(s.status)
    at = now()
    domain.check_until(form.until, local_date(at, zone))
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
    was_shown = domain.disclosed(s.public, s.public_ends_at, at)
    changed = form.until != s.public_until
    s.public_until = form.until
    s.public_ends_at = end_of_local_day(form.until, zone) if form.until else None
    if not was_shown:
        s.public, s.published_at = True, at
        add_timeline(tx, s.id, "published", actor_name(actor), _until_note("公开", form.until), at=at)
        tx.publish(event_payload(tx, s, Published))
    elif changed:
        add_timeline(tx, s.id, "publication_until_changed", actor_name(actor),
                     _until_note("公开期限变更", form.until), at=at)
    return s


def unpublish(tx, actor: dict, suggestion_id: int, data: dict) -> Suggestion:
    """Withdraw the disclosure (撤回公开): the public site stops showing it at once; the reason,
    who and when are kept (the latest on the suggestion, every one in the timeline)."""
    form = parse(UnpublishIn, data)
    s = load(tx, suggestion_id, lock=True)
    domain.check_unpublish(s.public)
    s.public = False
    s.unpublished_at, s.unpublished_by, s.unpublish_reason = now(), actor_name(actor), form.reason
    add_timeline(tx, s.id, "unpublished", s.unpublished_by, f"撤回公开：{form.reason}", at=s.unpublished_at)
    tx.publish(event_payload(tx, s, Unpublished, reason=form.reason))
    return s


def _until_note(label: str, until) -> str:
    return f"{label}（至{until.year}年{until.month}月{until.day}日）" if until else label
