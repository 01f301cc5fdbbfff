"""The walk-in queue: lines with a letter prefix, counters (loket), tickets and what happened to them.

Numbers are gapless per line and day (``LineDay`` is the row a taker locks to draw the next one).
A ticket's ``wait_from`` is when its fair wait began: when it was taken, or the booked slot for an
appointment; a transfer keeps it. ``TicketEvent`` is the ticket's trail and the display board's feed.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.organizations.models import Unit
from satuatap.servicedesk.models.catalogue import Service


class LineKind(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    APPOINTMENT = "appointment", _("Appointments")


class QueueLine(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="queue_lines", verbose_name=_("unit"))
    prefix = models.CharField(
        _("letter"), max_length=2, validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital letters."))]
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices, default=LineKind.WALK_IN)
    services = models.ManyToManyField(Service, related_name="queue_lines", verbose_name=_("services"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("queue line")
        verbose_name_plural = _("queue lines")
        ordering = ["unit", "position", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "prefix"], name="queue_line_prefix_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=LineKind.values), name="queue_line_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"


class LineDay(models.Model):
    """The last number given on a line on a day (the unit's local date): locked to draw the next."""

    line = models.ForeignKey(QueueLine, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "day"], name="line_day_unique")]

    def __str__(self) -> str:
        return f"{self.line} {self.day}: {self.last_number}"


class CounterStatus(models.TextChoices):
    CLOSED = "closed", _("Closed")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")


class Counter(models.Model):
    """A service counter (loket) and the services it serves."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="counters", verbose_name=_("unit"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    services = models.ManyToManyField(Service, related_name="counters", verbose_name=_("services"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CounterStatus.choices, default=CounterStatus.CLOSED)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("officer"),
    )  # fmt: skip
    status_since = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="counter_number_unique"),
            models.CheckConstraint(condition=models.Q(status__in=CounterStatus.values), name="counter_status_known"),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Counter %(number)s") % {"number": self.number})


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class Priority(models.TextChoices):
    NONE = "", _("None")
    ELDERLY = "elderly", _("Elderly")
    DISABILITY = "disability", _("Disability")
    PREGNANT = "pregnant", _("Pregnant woman")


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    APPOINTMENT = "appointment", _("Appointment")


class Outcome(models.TextChoices):
    SERVED = "served", _("Served")
    REQUEST = "request", _("Request taken (multi-day)")
    INCOMPLETE = "incomplete", _("Requirements incomplete")
    REFERRED = "referred", _("Referred elsewhere")


class QueueTicket(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="queue_tickets", verbose_name=_("unit"))
    line = models.ForeignKey(QueueLine, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("line"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service"))
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    # The phone link's code (core.tracking).
    code = models.CharField(_("code"), max_length=10, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, default="", blank=True)
    source = models.CharField(_("source"), max_length=16, choices=TicketSource.choices, default=TicketSource.KIOSK)
    appointment = models.OneToOneField(
        "servicedesk.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    taken_at = models.DateTimeField(_("taken at"))
    wait_from = models.DateTimeField(_("waiting since"))
    # A transfer may name the counter that must serve it next.
    for_counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    called_at = models.DateTimeField(null=True, blank=True)
    calls = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("note"), max_length=300, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    # Calls on its line since the no-show (a recallable no-show expires after DeskSettings' number).
    calls_since_no_show = models.PositiveSmallIntegerField(default=0)
    # A phone ticket's wish to be told when it is nearly its turn (through the outbox).
    notify_channel = models.CharField(max_length=16, blank=True)
    notify_to = models.CharField(max_length=254, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        ordering = ["day", "line", "number"]
        constraints = [
            models.UniqueConstraint(fields=["line", "day", "number"], name="ticket_number_unique"),
            models.CheckConstraint(condition=models.Q(status__in=TicketStatus.values), name="ticket_status_known"),
        ]
        indexes = [
            models.Index(fields=["unit", "day"], name="ticket_unit_day"),
            models.Index(fields=["line", "day", "status", "wait_from"], name="ticket_next"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.line.prefix}-{self.number:03d}"


class TicketEventKind(models.TextChoices):
    TAKEN = "taken", _("Taken")
    CALLED = "called", _("Called")
    RECALLED = "recalled", _("Called again")
    STARTED = "started", _("Service started")
    TRANSFERRED = "transferred", _("Transferred")
    FINISHED = "finished", _("Finished")
    NO_SHOW = "no_show", _("No-show")
    RETURNED = "returned", _("Back after a no-show")
    CANCELLED = "cancelled", _("Cancelled")


class TicketEvent(models.Model):
    """What happened to a ticket, in order: the trail and the display board's feed (calls)."""

    ticket = models.ForeignKey(QueueTicket, on_delete=models.CASCADE, related_name="events")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=TicketEventKind.choices)
    at = models.DateTimeField()
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["unit", "id"], name="ticket_event_feed")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%H:%M:%S}"
