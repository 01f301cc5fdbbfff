"""A unit's desk settings: its maklumat pelayanan, its WhatsApp service line and the queue's rules."""

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.identifiers import clean_phone
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require
from satuatap.servicedesk.catalogue.services.checks import (
    CONFIGURE,
    MAX_TEXT,
    number_of,
    text_of,
)
from satuatap.servicedesk.errors import CatalogueRefused
from satuatap.servicedesk.models import (
    DeskSettings,
    NoShowRule,
)

DESK_NUMBERS = {
    "recalls_before_no_show": (0, 10),
    "no_show_recall_calls": (0, 50),
    "priority_every": (1, 20),
    "early_check_in_minutes": (0, 240),
    "late_check_in_minutes": (0, 240),
    "notify_when_ahead": (0, 50),
}

# --- desk settings ----------------------------------------------------------------------------------

DESK_FIELDS = ("maklumat", "whatsapp_line", "no_show_rule", *DESK_NUMBERS)


@transaction.atomic
def desk_settings_save(*, actor, unit: Unit, **fields) -> DeskSettings:
    """The unit's maklumat pelayanan, its WhatsApp service line (a real phone number) and its queue
    rules (only the fields given)."""
    unknown = set(fields) - set(DESK_FIELDS)
    if unknown:
        raise TypeError(f"unknown desk settings: {sorted(unknown)}")
    require(actor, CONFIGURE, unit)
    settings_row = DeskSettings.objects.select_for_update().filter(unit=unit).first() or DeskSettings(unit=unit)
    refusals = Refusals()
    clean: dict = {}
    if "maklumat" in fields:
        with refusals.check():
            clean["maklumat"] = text_of(fields["maklumat"], "maklumat", MAX_TEXT, lines=True)
    if "whatsapp_line" in fields:
        with refusals.check():
            if fields["whatsapp_line"] is not None and not isinstance(fields["whatsapp_line"], str):
                raise CatalogueRefused(_("This is not a phone number."), field="whatsapp_line")
            clean["whatsapp_line"] = clean_phone(fields["whatsapp_line"], CatalogueRefused, "whatsapp_line")
    if "no_show_rule" in fields:
        with refusals.check():
            if fields["no_show_rule"] not in NoShowRule.values:
                raise CatalogueRefused(_("Choose what happens after a no-show."), field="no_show_rule")
            clean["no_show_rule"] = fields["no_show_rule"]
    for name, (low, high) in DESK_NUMBERS.items():
        if name in fields:
            with refusals.check():
                clean[name] = number_of(fields[name], name, low, high)
    refusals.raise_any(CatalogueRefused)
    before = {name: getattr(settings_row, name) for name in DESK_FIELDS} if settings_row.pk else {}
    for name, value in clean.items():
        setattr(settings_row, name, value)
    changes = {
        n: [before.get(n), getattr(settings_row, n)] for n in DESK_FIELDS if before.get(n) != getattr(settings_row, n)
    }
    if settings_row.pk and not changes:
        return settings_row
    settings_row.save()
    audit_record(actor=actor, action=AuditAction.QUEUE_CONFIGURED, target=settings_row, unit=unit, changes=changes,
                 note="desk settings")  # fmt: skip
    return settings_row
