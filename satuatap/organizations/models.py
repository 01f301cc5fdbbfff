"""The tree of offices and who works where.

Units live in one materialised-path tree (django-treebeard) per institution:
a subtree is a prefix of ``path``, which PostgreSQL answers with an index range
scan (see the ``varchar_pattern_ops`` index below).
"""

import zoneinfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    REGION = "region", _("Region (province)")
    AREA = "area", _("Area (regency/city)")
    BRANCH = "branch", _("Branch")
    SERVICE = "service", _("Service unit")
    CARE = "care", _("Care unit")
    DIVISION = "division", _("Division")


# A unit may sit under a unit of the same or a higher level, never under a lower
# one (a region under a branch makes no sense). Divisions fit anywhere below the root.
KIND_LEVEL: dict[str, int] = {
    UnitKind.INSTITUTION: 0,
    UnitKind.REGION: 1,
    UnitKind.AREA: 2,
    UnitKind.BRANCH: 3,
    UnitKind.SERVICE: 4,
    UnitKind.CARE: 4,
}


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


unit_code_validator = RegexValidator(
    r"^[A-Z0-9]{2,10}$",
    _("Use 2 to 10 capital letters or digits, without spaces (for example PTI or KDS01)."),
    code="invalid_code",
)


class Unit(MP_Node):
    institution = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        help_text="The root of this unit's tree; the root points at itself.",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=10,
        validators=[unit_code_validator],
        help_text=_("Short code used in receipt numbers; unique within the institution."),
    )
    address = models.TextField(_("address"), blank=True)
    # The office's official area (regions app), down to the village where known.
    region = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    time_zone = models.CharField(_("time zone"), max_length=32, choices=TimeZone.choices, default=TimeZone.WIB)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=32, blank=True)
    # A note beside the structured hours (``OpeningPeriod``), e.g. "Sabtu dengan janji temu".
    office_hours = models.CharField(_("office hours note"), max_length=200, blank=True)
    # National holidays come from the ``holidays`` package; collective leave (cuti bersama) is the
    # government's, which a private office may choose not to observe.
    observes_collective_leave = models.BooleanField(
        _("closed on collective leave days"), default=True, help_text=_("Cuti bersama set by the government.")
    )
    # Institution (root) only.
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=20, blank=True)
    legal_basis = models.CharField(
        _("licence decree"), max_length=200, blank=True, help_text=_("Decree number of the institution's licence.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    # No node_order_by: new units are appended, so the paths of existing units never
    # shift under a sorted insert; pages sort siblings by name when they show them.

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="unit_code_unique_in_institution"),
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z0-9]{2,10}$"), name="unit_code_format"),
            models.CheckConstraint(condition=models.Q(kind__in=UnitKind.values), name="unit_kind_known"),
            models.CheckConstraint(condition=models.Q(time_zone__in=TimeZone.values), name="unit_time_zone_known"),
        ]
        # Subtree lookups are prefix matches on ``path``. Its unique constraint gives it a
        # B-tree index, and on PostgreSQL Django adds a ``varchar_pattern_ops`` twin
        # (``…_path_…_like``) that serves LIKE 'prefix%' under any collation.

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_institution(self) -> bool:
        return self.kind == UnitKind.INSTITUTION

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def contains(self, other: "Unit") -> bool:
        """True if ``other`` is this unit or lies below it."""
        return other.path.startswith(self.path)

    @property
    def lineage_paths(self) -> list[str]:
        """The paths of this unit and its ancestors, nearest first: where a setting inherited
        down the tree is looked for."""
        steps = len(self.path) // self.steplen
        return [self.path[: i * self.steplen] for i in range(steps, 0, -1)]


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    FRONT_OFFICE = "front_office", _("Front office")
    FINANCE = "finance", _("Finance")
    PROGRAM = "program", _("Program officer")
    HEAD = "head", _("Office head")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """A role held by a user on a unit and, through it, on the unit's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=models.Q(is_active=True),
                name="membership_unique_active",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit.name}"


# --- the unit's calendar: opening hours and closures (see ``selectors.calendar``) -----------------


class Schedule(models.TextChoices):
    OFFICE = "office", _("Office hours")
    WHATSAPP = "whatsapp", _("WhatsApp line hours")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    """One period a unit is open on a weekday (a day with a break has two): 08:00–11:30 and
    13:30–16:00 on Friday. A unit without periods of a schedule inherits its nearest ancestor's
    week; a unit that sets any period of a schedule sets its whole week of that schedule."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="opening_periods", verbose_name=_("unit"))
    schedule = models.CharField(_("schedule"), max_length=16, choices=Schedule.choices, default=Schedule.OFFICE)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        ordering = ["unit", "schedule", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_opens_before_closes"
            ),
            models.CheckConstraint(condition=models.Q(weekday__gte=0, weekday__lte=6), name="opening_weekday_known"),
            models.CheckConstraint(condition=models.Q(schedule__in=Schedule.values), name="opening_schedule_known"),
            models.UniqueConstraint(fields=["unit", "schedule", "weekday", "opens"], name="opening_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosureKind(models.TextChoices):
    COLLECTIVE_LEAVE = "collective_leave", _("Collective leave (cuti bersama)")
    LOCAL = "local", _("Local holiday or event")
    OTHER = "other", _("Other closure")


class Closure(models.Model):
    """Days a unit (and every unit below it) is closed beside the national holidays: a collective
    leave day the government adds late, a local event, a renovation. ``last_day`` is inclusive."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="closures", verbose_name=_("unit"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=20, choices=ClosureKind.choices, default=ClosureKind.LOCAL)
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")), name="closure_days_ordered"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=ClosureKind.values), name="closure_kind_known"),
        ]
        indexes = [models.Index(fields=["unit", "last_day"], name="closure_unit_last_day")]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d})"
