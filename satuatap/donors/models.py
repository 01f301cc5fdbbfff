"""Donors (muzakki, munfiq, donatur): people and organisations who give to the institution.

A donor belongs to the institution (the root unit) and keeps the unit that
registered them; any unit of the institution can record a donation for them.
NIK and NPWP are stored encrypted and found by keyed hash (``core.crypto``); the
last digits are kept apart so lists can show a masked number without decrypting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from satuatap.core.crypto import EncryptedTextField


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Channel(models.TextChoices):
    """How a donor prefers to be contacted."""

    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    NONE = "none", _("Do not contact")


class Donor(models.Model):
    institution = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    registered_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("registered at")
    )
    number = models.CharField(_("donor number (NPWZ)"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=DonorKind.choices, default=DonorKind.PERSON)
    full_name = models.CharField(_("full name"), max_length=200)
    # Normalised name for matching and search (see ``identifiers.name_key``).
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    nik = EncryptedTextField(_("NIK"), blank=True)
    nik_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    nik_last4 = models.CharField(max_length=4, blank=True, editable=False)
    npwp = EncryptedTextField(_("NPWP"), blank=True)
    npwp_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    npwp_last4 = models.CharField(max_length=4, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    regency = models.CharField(_("regency/city"), max_length=100, blank=True)
    district = models.CharField(_("district (kecamatan)"), max_length=100, blank=True)
    village = models.CharField(_("village (kelurahan/desa)"), max_length=100, blank=True)
    street = models.CharField(_("street address"), max_length=300, blank=True)
    # The official area (regions app) the names above were picked from, or matched to.
    region = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=Channel.choices, default=Channel.WHATSAPP
    )
    consent_whatsapp = models.BooleanField(_("may be contacted by WhatsApp"), default=False)
    consent_email = models.BooleanField(_("may be contacted by email"), default=False)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set when this donor was merged into another; a merged donor is kept (its number stays
    # findable) but takes no new donations.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    # Not stored: the reason the history row records (django-simple-history), and what ``donor_merge``
    # moved to the survivor.
    _change_reason: str
    merge_counts: dict[str, int]
    history = HistoricalRecords(excluded_fields=["name_key", "nik", "npwp"])

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="donors_donor_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=DonorKind.values), name="donors_donor_kind_known"),
            # One active donor per NIK and per NPWP in an institution (merged donors keep theirs):
            # the backstop of the services' duplicate check when two registrations race.
            models.UniqueConstraint(
                fields=["institution", "nik_hash"],
                condition=Q(merged_into__isnull=True) & ~Q(nik_hash=""),
                name="donors_donor_nik_unique",
            ),
            models.UniqueConstraint(
                fields=["institution", "npwp_hash"],
                condition=Q(merged_into__isnull=True) & ~Q(npwp_hash=""),
                name="donors_donor_npwp_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "name_key"], name="donors_donor_inst_name"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.number})"

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def nik_masked(self) -> str:
        return "*" * 12 + self.nik_last4 if self.nik_last4 else ""

    @property
    def npwp_masked(self) -> str:
        return "*" * 11 + self.npwp_last4 if self.npwp_last4 else ""

    @property
    def address(self) -> str:
        parts = [self.street, self.village, self.district, self.regency, self.province, self.postal_code]
        return ", ".join(p for p in parts if p)
