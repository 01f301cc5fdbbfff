"""The outbox: messages leave after commit, are retried with back-off, never sent twice, never lost."""

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from satuatap.outbox import services, tasks
from satuatap.outbox.models import Message, MessageChannel, MessageStatus

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class DownBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class RefusingBackend(BaseEmailBackend):
    """A mail server that is up but refuses this message's recipient."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"donor@example.id": (550, b"no such mailbox")})


class CountingBackend(BaseEmailBackend):
    """Remembers what each send was given (the connection's timeout, the Message-IDs)."""

    timeouts: list = []
    message_ids: list = []

    def __init__(self, *args, timeout=None, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).timeouts.append(timeout)

    def send_messages(self, email_messages):
        type(self).message_ids.extend(m.extra_headers["Message-ID"] for m in email_messages)
        raise TimeoutError("the server accepted the connection and never answered")


@pytest.fixture
def down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"


def queue(world, channel=MessageChannel.EMAIL, recipient="donor@example.id", **kwargs):
    return services.message_queue(
        actor=world.frank,
        unit=world.branch_a,
        channel=channel,
        recipient=recipient,
        subject=kwargs.pop("subject", "Bukti setor"),
        body=kwargs.pop("body", "Terima kasih."),
        **kwargs,
    )


def test_an_email_leaves_only_after_its_transaction_commits(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world, attachment=b"%PDF-1.7 test", attachment_name="r.pdf", attachment_type="application/pdf")
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0] == ("r.pdf", b"%PDF-1.7 test", "application/pdf")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None and message.attempts == 1


def test_a_rolled_back_action_sends_nothing(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue(world)
                raise RuntimeError("the business action failed")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == [] and not Message.objects.exists()


def test_a_refused_message_is_retried_with_growing_waits_then_marked_failed(world, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    message = queue(world)
    now = timezone.now()
    assert services.outbox_deliver(now=now) == {"sent": 0, "retrying": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert "no such mailbox" in message.last_error
    # Not due yet: nothing is tried.
    assert services.outbox_deliver(now=now + timedelta(seconds=30)) == {"sent": 0, "retrying": 0, "failed": 0}
    waits = []
    for _ in range(services.MAX_ATTEMPTS - 1):
        now = message.next_attempt_at
        services.outbox_deliver(now=now)
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - now)
    assert waits[:4] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert message.status == MessageStatus.FAILED and message.attempts == services.MAX_ATTEMPTS
    assert message.next_attempt_at is None


def test_an_outage_however_long_never_marks_a_message_failed(world, down):
    message = queue(world)
    now = timezone.now()
    for _ in range(services.MAX_ATTEMPTS + 4):
        assert services.outbox_deliver(now=now)["failed"] == 0
        message.refresh_from_db()
        wait, now = message.next_attempt_at - now, message.next_attempt_at
    assert message.status == MessageStatus.QUEUED and message.attempts == services.MAX_ATTEMPTS + 4
    assert wait == services.LONGEST_WAIT and "mail server down" in message.last_error


def test_while_the_server_is_down_a_run_stops_at_the_first_failure(world, down):
    first, second, third = queue(world), queue(world), queue(world)
    now = timezone.now()
    assert services.outbox_deliver(now=now) == {"sent": 0, "retrying": 1, "failed": 0}
    attempts = {m.pk: m.attempts for m in Message.objects.all()}
    assert attempts == {first.pk: 1, second.pk: 0, third.pk: 0}
    # The next run starts with the messages not yet tried.
    assert services.outbox_deliver(now=now + timedelta(seconds=1))["retrying"] == 1
    second.refresh_from_db()
    assert second.attempts == 1


def test_a_refused_message_does_not_stop_the_others(world, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    queue(world), queue(world)
    assert services.outbox_deliver() == {"sent": 0, "retrying": 2, "failed": 0}


def test_a_server_that_never_answers_holds_a_send_for_a_bounded_time_and_ids_stay_the_same(world, settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    settings.EMAIL_TIMEOUT = None
    CountingBackend.timeouts, CountingBackend.message_ids = [], []
    message = queue(world)
    services.outbox_deliver()
    settings.EMAIL_TIMEOUT = 7
    services.outbox_deliver(now=timezone.now() + timedelta(minutes=2))
    assert CountingBackend.timeouts == [services.SEND_TIMEOUT, 7]
    first, again = CountingBackend.message_ids
    assert first == again == services.message_id(message) and first.startswith(f"<outbox.{message.pk}.")
    other = queue(world)
    assert services.message_id(other) != first


def test_a_message_that_failed_before_goes_out_when_the_server_is_back(world, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    message = queue(world)
    services.outbox_deliver()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbox_deliver(now=message.created_at + timedelta(minutes=2))["sent"] == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2 and message.last_error == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == services.message_id(message)


def test_back_off_waits_double_and_stop_at_six_hours():
    assert [services.retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert services.retry_delay(30) == timedelta(hours=6)


def test_a_retry_schedules_a_later_delivery_run_where_the_backend_can_wait(world, settings, down):
    settings.TASKS = DUMMY
    from django_tasks import default_task_backend

    queue(world)
    now = timezone.now()
    services.outbox_deliver(now=now)
    runs = [r for r in default_task_backend.results if r.task.name == "outbox_send_task"]
    assert [r.task.run_after for r in runs] == [now + timedelta(minutes=1)]


def test_two_workers_never_send_the_same_message(world):
    message = queue(world)
    now = timezone.now()
    assert tasks._claim(message, now) is True
    assert tasks._claim(message, now) is False
    # The claim lapses if the first worker died: the message is not lost.
    assert tasks._claim(message, now + services.LEASE + timedelta(seconds=1)) is True


def test_a_task_backend_that_is_down_loses_nothing(world, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    from satuatap.outbox import tasks

    def broken(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(type(tasks.outbox_send_task), "enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and mail.outbox == []
    out = StringIO()
    call_command("outbox_send", stdout=out)
    assert "sent 1" in out.getvalue()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(mail.outbox) == 1


def test_whatsapp_waits_for_a_person_and_counts_as_sent_when_the_link_is_opened(world):
    message = queue(world, channel=MessageChannel.WHATSAPP, recipient="+62 812-3456-7890", body="Salam & terima kasih")
    assert services.outbox_deliver(now=timezone.now() + timedelta(days=1)) == {"sent": 0, "retrying": 0, "failed": 0}
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    link = services.message_whatsapp_open(actor=world.frank, message=message)
    assert link == "https://wa.me/6281234567890?text=Salam%20%26%20terima%20kasih"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None


def test_bad_recipients_and_empty_messages_are_refused(world):
    with pytest.raises(services.MessageRefused):
        queue(world, recipient="not-an-address")
    with pytest.raises(services.MessageRefused):
        queue(world, channel=MessageChannel.WHATSAPP, recipient="12")
    with pytest.raises(services.MessageRefused):
        queue(world, body="   ")
    with pytest.raises(services.MessageRefused):
        queue(world, channel="sms", recipient="+628123")
    assert not Message.objects.exists()


def test_status_changes_are_kept_in_the_history(world, down):
    message = queue(world)
    services.outbox_deliver()
    assert [h.status for h in message.history.order_by("history_id")] == ["queued", "queued"]
    assert message.history.latest().attempts == 1
