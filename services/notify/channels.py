"""The outside channels: e-mail over SMTP and webhooks. Each send either returns or raises.

Both carry a stable key per notification (e-mail Message-ID, webhook Idempotency-Key)
so that a receiver can drop the rare repeat (see dispatcher.py: at-least-once).
"""
import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

import requests

from services.notify.policy import signature
from services.notify.settings import Settings


class DeliveryFailed(Exception):
    pass


def idempotency_key(item: dict) -> str:
    return f"lianxin-notification-{item['notification_id']}"


def email_message(settings: Settings, item: dict) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = item["title"]
    msg["From"] = settings.smtp_from
    msg["To"] = item["address"]
    msg["Date"] = formatdate(localtime=False)
    domain = settings.smtp_from.rpartition("@")[2] or "lianxin"
    msg["Message-ID"] = f"<{idempotency_key(item)}@{domain}>"
    msg["X-Lianxin-Event"] = f"{item['type']} {item['event_id']}"
    msg.set_content(item["body"] or item["title"])
    return msg


def tls_context(settings: Settings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_tls == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout,
                                context=tls_context(settings))
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)


def send_email(settings: Settings, item: dict) -> None:
    msg = email_message(settings, item)
    try:
        with _connect(settings) as smtp:
            if settings.smtp_tls == "starttls":
                smtp.starttls(context=tls_context(settings))
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            refused = smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"smtp: {type(exc).__name__}: {exc}") from exc
    if refused:
        raise DeliveryFailed(f"smtp: recipients refused: {refused}")


def webhook_body(item: dict) -> bytes:
    payload = {"notification_id": item["notification_id"], "delivery_id": item["id"],
               "event_id": item["event_id"], "type": item["type"], "recipient": item["recipient"],
               "title": item["title"], "body": item["body"], "suggestion_id": item["suggestion_id"],
               "created_at": item["created_at"].isoformat() if item.get("created_at") else None}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def send_webhook(settings: Settings, item: dict) -> None:
    body = webhook_body(item)
    headers = {"Content-Type": "application/json; charset=utf-8",
               "X-Lianxin-Signature": signature(settings.webhook_secret, body),
               "X-Lianxin-Event": item["type"], "Idempotency-Key": idempotency_key(item),
               "User-Agent": "lianxin-notify"}
    try:
        response = requests.post(item["address"], data=body, headers=headers, timeout=settings.webhook_timeout,
                                 allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"webhook: {type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"webhook: HTTP {response.status_code} {response.text[:200]}")


SENDERS = {"email": send_email, "webhook": send_webhook}


def send(settings: Settings, item: dict) -> None:
    sender = SENDERS.get(item["channel"])
    if sender is None:
        raise DeliveryFailed(f"unknown channel {item['channel']}")
    sender(settings, item)
