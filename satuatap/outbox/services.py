"""Writing to the outbox.

``message_queue`` writes the message in the caller's transaction and asks for
delivery (``satuatap.outbox.tasks``) once that transaction commits.

WhatsApp has no gateway: its messages wait until a staff member opens the
``wa.me`` link (``message_whatsapp_open``), which counts as sending them.
"""

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.errors import DomainError
from satuatap.core.text import squash
from satuatap.organizations.models import Unit
from satuatap.outbox.models import Message, MessageChannel, MessageStatus
from satuatap.outbox.tasks import (
    BATCH,
    FIRST_RETRY,
    LEASE,
    LONGEST_WAIT,
    MAX_ATTEMPTS,
    SEND_TIMEOUT,
    SERVER_DOWN,
    delivery_schedule,
    message_id,
    outbox_deliver,
    retry_delay,
)

__all__ = [
    "BATCH",
    "FIRST_RETRY",
    "LEASE",
    "LONGEST_WAIT",
    "MAX_ATTACHMENT",
    "MAX_ATTEMPTS",
    "SEND_TIMEOUT",
    "SERVER_DOWN",
    "MessageRefused",
    "delivery_schedule",
    "message_id",
    "message_queue",
    "message_whatsapp_link",
    "message_whatsapp_open",
    "outbox_deliver",
    "retry_delay",
    "whatsapp_link",
    "whatsapp_number",
]

MAX_ATTACHMENT = 5 * 1024 * 1024


class MessageRefused(DomainError):
    """A message that cannot be queued as given."""


def whatsapp_number(phone: str) -> str:
    """``+62 812-3456-7890`` -> ``6281234567890``: the digits wa.me expects."""
    return "".join(ch for ch in phone or "" if ch.isdigit())


def whatsapp_link(phone: str, text: str) -> str:
    return f"https://wa.me/{whatsapp_number(phone)}?text={quote(text, safe='')}"


def _clean_recipient(channel: str, recipient: str) -> str:
    recipient = (recipient or "").strip()
    if channel == MessageChannel.EMAIL:
        try:
            validate_email(recipient)
        except ValidationError:
            raise MessageRefused(_("This is not an email address."), field="recipient") from None
    elif channel == MessageChannel.WHATSAPP:
        if not 8 <= len(whatsapp_number(recipient)) <= 15:
            raise MessageRefused(_("This is not a phone number."), field="recipient")
    else:
        raise MessageRefused(_("Choose email or WhatsApp."), field="channel")
    return recipient


def message_queue(
    *,
    actor,
    unit: Unit,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    attachment: bytes | None = None,
    attachment_name: str = "",
    attachment_type: str = "application/octet-stream",
    reference: str = "",
) -> Message:
    """Put a message in the outbox; an email is delivered once the caller's transaction commits.

    The caller checks that the actor may send it and that the recipient agreed to be contacted.
    """
    recipient = _clean_recipient(channel, recipient)
    body = (body or "").strip()
    if not body:
        raise MessageRefused(_("The message is empty."), field="body")
    subject = squash(subject)[:200]
    if attachment is not None and len(attachment) > MAX_ATTACHMENT:
        raise MessageRefused(_("The attachment is larger than 5 MB."), field="attachment")
    message = Message.objects.create(
        unit=unit,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        attachment=attachment,
        attachment_name=attachment_name[:100] if attachment is not None else "",
        attachment_type=attachment_type[:100] if attachment is not None else "",
        reference=reference[:100],
        created_by=actor if actor is not None and actor.is_authenticated else None,
        # WhatsApp waits for a person to open its link; nothing is due for a worker.
        next_attempt_at=timezone.now() if channel == MessageChannel.EMAIL else None,
    )
    if channel == MessageChannel.EMAIL:
        transaction.on_commit(delivery_schedule)
    return message


def message_whatsapp_link(message: Message) -> str:
    return whatsapp_link(message.recipient, message.body)


@transaction.atomic
def message_whatsapp_open(*, actor, message: Message) -> str:
    """The ``wa.me`` link of a WhatsApp message, marking it sent: with no gateway, the staff member
    opening the link (and pressing send in WhatsApp) is the delivery."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.channel != MessageChannel.WHATSAPP:
        raise MessageRefused(_("Only a WhatsApp message has a WhatsApp link."))
    if message.status != MessageStatus.SENT:
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "sent_at", "attempts"])
    return message_whatsapp_link(message)
