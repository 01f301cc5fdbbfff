"""Background delivery of the outbox through the Django Tasks API."""

from django_tasks import task

from satuatap.outbox.services import outbox_deliver


@task()
def outbox_send_task() -> dict[str, int]:
    """Send every email that is due; retries schedule a later run themselves."""
    return outbox_deliver()
