"""Delivering from the outbox, in the background through the Django Tasks API.

``outbox_deliver`` sends what is due:
each message is claimed with a conditional UPDATE (so two workers never send it
twice), sent, and marked sent; a message the server refuses is retried with
exponential back-off until ``MAX_ATTEMPTS``, then marked failed with its last error.

While the mail server is down (refused, timed out, closing on us) a run stops at
the first such failure and leaves the other due messages untouched, and an outage,
however long, never marks a message failed: it is retried with back-off until the
server is back (a server that hangs holds the worker for one ``SEND_TIMEOUT``, not
one per message). Every email carries a Message-ID made from the outbox row, the
same on every attempt: should a worker die between the server's acceptance and
the ``sent`` mark, the copy sent again after ``LEASE`` carries the same ID, by
which mail systems recognise it as a duplicate.
"""

import logging
import smtplib
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from satuatap.outbox.models import Message, MessageChannel, MessageStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
# How long a claimed message is kept from other workers while it is being sent.
LEASE = timedelta(minutes=10)
BATCH = 100
# Seconds a send may wait on the mail server when ``EMAIL_TIMEOUT`` is not set (Django's default is
# to wait for ever, and a server that accepts the connection and never answers would hold the worker).
SEND_TIMEOUT = 30
# Failures that say the mail server as a whole is unreachable, not that this one message is refused.
SERVER_DOWN = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4, 8 ... minutes, at most six hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def delivery_schedule(run_after: datetime | None = None) -> None:
    """Ask the task backend for a delivery run (now, or at ``run_after`` where the backend can wait).

    A backend that is down must not undo the caller's work: the messages stay queued and the next
    run (the worker, or ``manage.py outbox_send`` from cron) picks them up.
    """
    try:
        task = outbox_send_task
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return
            task = task.using(run_after=run_after)
        task.enqueue()
    except Exception:
        logger.exception("Could not schedule outbox delivery; messages stay queued for the next run.")


def _due(now: datetime):
    return Message.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        channel=MessageChannel.EMAIL,
        status=MessageStatus.QUEUED,
    ).order_by("next_attempt_at", "pk")


def _claim(message: Message, now: datetime) -> bool:
    """Take the message for this worker; False when another worker took it first."""
    taken = (
        Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .update(next_attempt_at=now + LEASE)
    )
    return taken == 1


def message_id(message: Message) -> str:
    """The Message-ID header of an outbox email: the same on every attempt, unique per row."""
    return f"<outbox.{message.pk}.{int(message.created_at.timestamp())}@{DNS_NAME}>"


def _server_down(exc: Exception) -> bool:
    if isinstance(exc, SERVER_DOWN):
        return True
    # 421: the server is shutting down or overloaded and closes the connection.
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421


def _email(message: Message, connection) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        connection=connection,
        headers={"Message-ID": message_id(message)},
    )
    if message.attachment:
        email.attach(message.attachment_name or "attachment", bytes(message.attachment), message.attachment_type)
    email.send(fail_silently=False)


def outbox_deliver(*, now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send the emails that are due; returns how many were sent, will be retried, and failed for good."""
    now = now or timezone.now()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = list(_due(now).only("pk")[:limit])
    if not due:
        return counts
    connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT)
    earliest_retry = None
    server_down = False
    for candidate in due:
        if server_down:
            break
        if not _claim(candidate, now):
            continue
        message = Message.objects.get(pk=candidate.pk)
        message.attempts += 1
        try:
            _email(message, connection)
        except Exception as exc:  # any failure of the mail server or the network: try again later
            server_down = _server_down(exc)
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            # An outage never fails a message for good, however long it lasts: it waits (at most
            # LONGEST_WAIT between tries); only a refusal of the message itself counts to MAX_ATTEMPTS.
            if message.attempts >= MAX_ATTEMPTS and not server_down:
                message.status = MessageStatus.FAILED
                message.next_attempt_at = None
                counts["failed"] += 1
                logger.warning("Outbox message %s failed for good: %s", message.pk, message.last_error)
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                earliest_retry = min(earliest_retry or message.next_attempt_at, message.next_attempt_at)
                counts["retrying"] += 1
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
            counts["sent"] += 1
        message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    if earliest_retry is not None:
        delivery_schedule(run_after=earliest_retry)
    return counts


@task()
def outbox_send_task() -> dict[str, int]:
    """Send every email that is due; retries schedule a later run themselves."""
    return outbox_deliver()
