"""Collection settings: accepted donation kinds per unit, zakat fitrah rates, gold price, campaigns."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from hijridate import Gregorian

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.collection.errors import SettingsRefused
from satuatap.collection.models import (
    DONATION_KINDS,
    AcceptedFunds,
    Campaign,
    CollectionSettings,
    FitrahRate,
    FitrahRateMode,
)
from satuatap.core.errors import combined
from satuatap.core.money import MAX_RUPIAH
from satuatap.core.text import squash
from satuatap.ledger.hooks import purpose_for_unit, purpose_resolve
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

CAMPAIGN_CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{1,46}")


def hijri_year(day: date) -> int:
    """The Hijri (Umm al-Qura) year of a Gregorian date, from ``hijridate``."""
    return Gregorian(day.year, day.month, day.day).to_hijri().year


def _nearest(queryset, unit: Unit):
    """The row of ``queryset`` set on the unit nearest to ``unit`` (itself, then up the tree)."""
    rows = {row.unit.path: row for row in queryset.filter(unit__path__in=unit.lineage_paths).select_related("unit")}
    for path in unit.lineage_paths:
        if path in rows:
            return rows[path]
    return None


def accepted_kinds(unit: Unit) -> list[str]:
    """The donation kinds ``unit`` accepts (its own list, its nearest ancestor's, or all)."""
    row = _nearest(AcceptedFunds.objects.all(), unit)
    return list(row.kinds) if row is not None else list(DONATION_KINDS)


@transaction.atomic
def accepted_kinds_set(*, actor, unit: Unit, kinds: list[str]) -> AcceptedFunds:
    """Set which donation kinds a unit (and the units below it without their own list) accepts."""
    require(actor, "collection.configure", unit)
    kinds = sorted(set(kinds or []))
    unknown = [k for k in kinds if k not in DONATION_KINDS]
    if unknown or not kinds:
        raise SettingsRefused(_("Choose at least one donation kind from the list."), field="kinds")
    row, _created = AcceptedFunds.objects.select_for_update().get_or_create(unit=unit, defaults={"kinds": kinds})
    before = list(row.kinds) if not _created else None
    row.kinds = kinds
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.COLLECTION_CONFIGURED,
        target=row,
        unit=unit,
        changes={"kinds": [before, kinds]},
    )
    return row


def fitrah_rate_for(unit: Unit, day: date) -> FitrahRate | None:
    """The zakat fitrah rate for the Ramadan of ``day``'s Hijri year, set on ``unit`` or above it."""
    return _nearest(FitrahRate.objects.filter(hijri_year=hijri_year(day)), unit)


def _rupiah(value, field: str, *, allow_none: bool = False) -> int | None:
    if value in (None, "") and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > MAX_RUPIAH:
        raise SettingsRefused(_("Enter a positive amount in whole rupiah."), field=field)
    return value


def _collect(refusals: list[SettingsRefused], check):
    """``check()``'s value, or None with its refusal added to ``refusals``."""
    try:
        return check()
    except SettingsRefused as exc:
        refusals.append(exc)
        return None


def _raise_all(refusals: list[SettingsRefused]) -> None:
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        raise SettingsRefused(combined([*refusals]))


def _rice_kg(value) -> Decimal:
    try:
        kg = Decimal(str(value if value not in (None, "") else "2.5"))
    except InvalidOperation:
        raise SettingsRefused(_("Enter the rice per person in kg, e.g. 2.5."), field="rice_kg") from None
    if not Decimal("0.5") <= kg <= Decimal("10"):
        raise SettingsRefused(_("Rice per person must be between 0.5 and 10 kg."), field="rice_kg")
    return kg


@transaction.atomic
def fitrah_rate_set(
    *,
    actor,
    unit: Unit,
    hijri_year: int,
    mode: str,
    amount: int | None = None,
    rice_kg: Decimal | str | None = None,
    rice_price_per_kg: int | None = None,
) -> FitrahRate:
    """Set a unit's zakat fitrah rate for one Hijri year: in rupiah, or rice (kg) × price per kg."""
    require(actor, "collection.configure", unit)
    # Every bad field at once: the year, the mode and the amounts of that mode.
    refusals: list[SettingsRefused] = []
    if isinstance(hijri_year, bool) or not isinstance(hijri_year, int) or not 1400 <= hijri_year <= 1600:
        refusals.append(SettingsRefused(_("Enter a Hijri year such as 1447."), field="hijri_year"))
    values = {"mode": mode, "amount": None, "rice_price_per_kg": None, "rice_kg": Decimal("2.5")}
    if mode not in FitrahRateMode.values:
        refusals.append(SettingsRefused(_("Choose rupiah per person or rice per person."), field="mode"))
    elif mode == FitrahRateMode.MONEY:
        values["amount"] = _collect(refusals, lambda: _rupiah(amount, "amount"))
    else:
        values["rice_kg"] = _collect(refusals, lambda: _rice_kg(rice_kg))
        values["rice_price_per_kg"] = _collect(refusals, lambda: _rupiah(rice_price_per_kg, "rice_price_per_kg"))
    _raise_all(refusals)
    row = FitrahRate.objects.select_for_update().filter(unit=unit, hijri_year=hijri_year).first()
    before = {k: getattr(row, k) for k in values} if row else {}
    if row is None:
        row = FitrahRate(unit=unit, hijri_year=hijri_year)
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.COLLECTION_CONFIGURED,
        target=row,
        unit=unit,
        changes=diff(before, {k: getattr(row, k) for k in values}),
        note=_("Zakat fitrah %(year)s H: %(amount)s per person") % {"year": hijri_year, "amount": row.per_person},
    )
    return row


def collection_settings(institution_id: int) -> CollectionSettings:
    row = CollectionSettings.objects.filter(institution_id=institution_id).first()
    return row if row is not None else CollectionSettings(institution_id=institution_id)


@transaction.atomic
def collection_settings_set(
    *, actor, institution: Unit, gold_price_per_gram: int, gold_price_date: date | None = None, receipt_note: str = ""
) -> CollectionSettings:
    """Set the institution's gold price (for nisab) and receipt footer."""
    require(actor, "collection.configure", institution)
    if institution.pk != institution.institution_id:
        raise SettingsRefused(_("These settings belong to the institution, not to one office."))
    # Both fields at once: the gold price and the receipt footer.
    refusals: list[SettingsRefused] = []
    _collect(refusals, lambda: _rupiah(gold_price_per_gram, "gold_price_per_gram"))
    receipt_note = (receipt_note or "").strip()
    if len(receipt_note) > 300:
        refusals.append(SettingsRefused(_("The receipt footer is longer than 300 characters."), field="receipt_note"))
    if gold_price_date is not None and not isinstance(gold_price_date, date):
        refusals.append(SettingsRefused(_("Enter a valid date."), field="gold_price_date"))
    _raise_all(refusals)
    row, _created = CollectionSettings.objects.select_for_update().get_or_create(institution=institution)
    before = {"gold_price_per_gram": row.gold_price_per_gram, "receipt_note": row.receipt_note}
    row.gold_price_per_gram, row.gold_price_date, row.receipt_note = gold_price_per_gram, gold_price_date, receipt_note
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.COLLECTION_CONFIGURED,
        target=row,
        unit=institution,
        changes=diff(before, {"gold_price_per_gram": gold_price_per_gram, "receipt_note": receipt_note}),
    )
    return row


CAMPAIGN_FIELDS = ("code", "name", "description", "target", "start_date", "end_date", "is_public", "program")


def _campaign_purpose(campaign: Campaign, unit: Unit, program) -> str:
    """The restriction key of the program a campaign raises for (id, code or key; empty for none).
    It is fixed once donations name the campaign: their money is held under it."""
    purpose = ""
    if program not in (None, ""):
        found = purpose_for_unit(unit, program)
        if found is None and purpose_resolve(unit.institution_id, program) is not None:
            raise SettingsRefused(
                _("A campaign of %(unit)s raises only for a program of this office or an office above it.")
                % {"unit": unit.name},
                field="program",
            )
        if found is None:
            raise SettingsRefused(
                _("There is no restricted-infak program %(program)s.") % {"program": program}, field="program"
            )
        purpose = found.key
    if campaign.pk and purpose != campaign.purpose and campaign.lines.exists():
        raise SettingsRefused(
            _("Donations already name this campaign; the program it raises for cannot change."), field="program"
        )
    return purpose


def campaign_code_refusal(*, institution_id: int, campaign: Campaign | None, code: str) -> SettingsRefused | None:
    """Why ``code`` cannot name ``campaign`` (None for a new one) in the institution, or None: the form asks
    it beside its other fields, so a taken code shows in the same round as every other mistake."""
    if not CAMPAIGN_CODE_PATTERN.fullmatch(code or ""):
        return SettingsRefused(_("A code has 2 to 47 lower-case letters, digits or dashes."), field="code")
    pk = campaign.pk if campaign is not None else None
    if campaign is not None and pk and code != campaign.code and campaign.lines.exists():
        return SettingsRefused(_("Donations already name this campaign; its code cannot change."), field="code")
    taken = Campaign.objects.filter(institution_id=institution_id, code=code)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        return SettingsRefused(_("Another campaign already uses this code."), field="code")
    return None


@transaction.atomic
def campaign_save(*, actor, unit: Unit, campaign: Campaign | None = None, **fields) -> Campaign:
    """Create a campaign of ``unit`` or change one; its code cannot change once donations name it."""
    require(actor, "collection.configure", unit)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise SettingsRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if campaign is None:
        campaign = Campaign(institution_id=unit.institution_id, unit=unit)
        before = {}
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.unit_id != unit.pk and not unit.contains(campaign.unit):
            raise SettingsRefused(_("This campaign belongs to another office."))
        before = {f: getattr(campaign, f) for f in fields if f != "program"}
        if "program" in fields:
            before["purpose"] = campaign.purpose
    code = fields.get("code", campaign.code)
    code = (code or "").strip().lower()
    # Every bad field at once: the code, the name, the target and the dates.
    refusals: list[SettingsRefused] = []
    code_refusal = campaign_code_refusal(institution_id=unit.institution_id, campaign=campaign, code=code)
    if code_refusal is not None:
        refusals.append(code_refusal)
    fields["code"] = code
    name = squash(fields.get("name", campaign.name))
    if not name or len(name) > 200:
        refusals.append(SettingsRefused(_("Enter a name of at most 200 characters."), field="name"))
    fields["name"] = name
    target = fields.get("target", campaign.target)
    try:
        _rupiah(target, "target")
    except SettingsRefused as exc:
        refusals.append(exc)
    start, end = fields.get("start_date", campaign.start_date), fields.get("end_date", campaign.end_date)
    if not isinstance(start, date):
        refusals.append(SettingsRefused(_("Enter a valid date."), field="start_date"))
    if not isinstance(end, date):
        refusals.append(SettingsRefused(_("Enter a valid date."), field="end_date"))
    elif isinstance(start, date) and end < start:
        refusals.append(SettingsRefused(_("The campaign cannot end before it starts."), field="end_date"))
    _raise_all(refusals)
    if "program" in fields:
        fields["purpose"] = _campaign_purpose(campaign, unit, fields.pop("program"))
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.save()
    audit_record(
        actor=actor,
        action=AuditAction.CAMPAIGN_SAVED,
        target=campaign,
        unit=unit,
        changes=diff(before, {f: getattr(campaign, f) for f in fields}),
    )
    return campaign
