"""Zakat calculator (public and staff), campaigns (staff and public), the public "ways to give" page
and the collection settings page.

Thin views: the reckoning is in ``collection.calculator``, reads in ``selectors_campaigns``,
writes in ``collection.services``.
"""

from decimal import Decimal
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.collection import selectors, services
from satuatap.collection.calculator import FITRAH, INCOME, MAAL, zakat_fitrah
from satuatap.collection.forms.setup import (
    AcceptedKindsForm,
    CampaignForm,
    FitrahRateForm,
    InstitutionSettingsForm,
    ZakatFitrahForm,
    ZakatIncomeForm,
    ZakatMaalForm,
)
from satuatap.collection.models import AcceptedFunds
from satuatap.collection.selectors import campaigns as campaigns_sel
from satuatap.core.errors import DomainError
from satuatap.core.exports import table_response
from satuatap.core.formatting import rupiah
from satuatap.core.identifiers import clean_phone
from satuatap.core.money import is_whole_rupiah
from satuatap.core.throttle import Rate, throttle_hit
from satuatap.core.views.helpers import active_unit, apply_service_error
from satuatap.donors.models import Donor
from satuatap.ledger.hooks import Purpose, purpose_resolve, purposes_for
from satuatap.ledger.models import ReceiptKind
from satuatap.organizations.permissions import can, require
from satuatap.organizations.selectors import units_for
from satuatap.outbox.services import whatsapp_link, whatsapp_number


def _top(request, capability: str):
    return active_unit(request, capability)


def _today(unit):
    return timezone.localdate(timezone=unit.tzinfo)


# --- zakat calculator ----------------------------------------------------------------------------

TABS = {
    "maal": (gettext_lazy("Zakat maal"), ZakatMaalForm, MAAL),
    "income": (gettext_lazy("Zakat penghasilan"), ZakatIncomeForm, INCOME),
    "fitrah": (gettext_lazy("Zakat fitrah"), ZakatFitrahForm, FITRAH),
}


def _calculate(request, *, institution, unit, offices=None) -> dict:
    """Bind the chosen calculator to the query string and compute; shared by the public and staff pages.

    The forms use GET: a calculation changes nothing, and its link can be shared or bookmarked.
    """
    tab = request.GET.get("type", "maal")
    if tab not in TABS:
        tab = "maal"
    _label, form_class, _kind = TABS[tab]
    data = request.GET if "calc" in request.GET else None
    kwargs = {"offices": offices} if form_class is ZakatFitrahForm else {}
    if form_class is ZakatFitrahForm and offices is not None and data is None:
        kwargs["initial"] = {"office": institution.code}
    form = form_class(data, **kwargs)
    today = _today(unit)
    year = services.hijri_year(today)
    gold = services.collection_settings(institution.pk)
    result = None
    fitrah_unit = unit
    if form_class is ZakatFitrahForm and offices is not None and form.is_bound and form.is_valid():
        fitrah_unit = form.cleaned_data.get("office") or institution
    fitrah_rate = services.fitrah_rate_for(fitrah_unit, today) if tab == "fitrah" else None
    if form.is_bound and form.is_valid():
        if tab == "fitrah":
            result = zakat_fitrah(persons=form.cleaned_data["persons"], rate=fitrah_rate, hijri_year=year)
        else:
            result = form.compute(gold.gold_price_per_gram)
    return {
        "tab": tab,
        "tabs": [(key, label) for key, (label, _f, _k) in TABS.items()],
        "form": form,
        "result": result,
        "institution": institution,
        "gold_price": gold.gold_price_per_gram,
        "gold_price_date": gold.gold_price_date,
        "hijri_year": year,
        "fitrah_rate": fitrah_rate,
        "fitrah_unit": fitrah_unit,
    }


def calculator_public(request, institution):
    """The public zakat calculator of one institution (no login): maal, penghasilan and fitrah.

    A result with zakat due leads on to the ways to give, naming the kind, the amount and (for
    fitrah) the office chosen; a result with none due offers infak/sedekah instead.
    """
    root = campaigns_sel.institution_public(institution)
    offices = campaigns_sel.fitrah_offices(root, services.hijri_year(_today(root)))
    context = _calculate(request, institution=root, unit=root, offices=offices)
    result = context["result"]
    if result is not None and not getattr(result, "rate_missing", False):
        ways = reverse("collection:ways_to_give", args=[root.code.lower()])
        if result.is_due and result.zakat > 0:
            params = {"jenis": result.kind, "jumlah": result.zakat}
            if result.kind == ReceiptKind.ZAKAT_FITRAH and context["fitrah_unit"].pk != root.pk:
                params["kantor"] = context["fitrah_unit"].code
            context["pay_url"] = f"{ways}?{urlencode(params)}"
        else:
            context["infak_url"] = f"{ways}?{urlencode({'jenis': ReceiptKind.INFAK})}"
    return render(request, "collection/calculator_public.html", context)


def _donor_for_counter(request, unit):
    """The donor named by ``?donor=`` if this user may see donors of the institution; else None (no hint)."""
    raw = request.GET.get("donor", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18) or not can(request.user, "donors.view", unit):
        return None
    return Donor.objects.filter(pk=int(raw), institution_id=unit.institution_id, merged_into__isnull=True).first()


@login_required
def calculator(request):
    """The staff calculator: the active unit's gold price and fitrah rate, and a link to record the zakat."""
    top = _top(request, "collection.view")
    context = _calculate(request, institution=top.institution, unit=top)
    donor = _donor_for_counter(request, top)
    result = context["result"]
    counter_query = ""
    if result is not None and result.is_due and result.zakat > 0 and can(request.user, "collection.record", top):
        params = {"kind": result.kind, "amount": result.zakat}
        if donor is not None:
            params = {"donor": donor.pk, **params}
        if result.persons:
            params["persons"] = result.persons
        counter_query = urlencode(params)
    context.update(
        {
            "donor": donor,
            "base_query": f"donor={donor.pk}&" if donor else "",
            "counter_query": counter_query,
            "kind_label": ReceiptKind(result.kind).label if result else "",
            "public_url": request.build_absolute_uri(
                reverse("collection:calculator_public", args=[top.institution.code])
            ),
        }
    )
    return render(request, "collection/calculator.html", context)


# --- campaigns ----------------------------------------------------------------------------------


def _campaign_rows(campaigns, today):
    rows = []
    for campaign in campaigns:
        campaign.progress = campaigns_sel.progress(campaign, today)
        rows.append(campaign)
    return rows


def _state_label(progress) -> str:
    if progress.state == "upcoming":
        return _("Starts in %(days)s days") % {"days": progress.days_left}
    if progress.state == "ended":
        return _("Ended")
    return _("%(days)s days left") % {"days": progress.days_left}


@login_required
def campaigns(request):
    top = _top(request, "collection.view")
    rows = campaigns_sel.campaigns_for(request.user, top)
    today = _today(top)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Code"),
            _("Name"),
            _("Office"),
            _("Start"),
            _("End"),
            _("Target"),
            _("Collected"),
            _("Progress (%)"),
            _("Donors"),
            _("Status"),
            _("Public"),
        ]
        data = []
        for c in _campaign_rows(rows, today):
            data.append(
                [
                    c.code,
                    c.name,
                    c.unit.code,
                    c.start_date.isoformat(),
                    c.end_date.isoformat(),
                    c.target,
                    c.collected,
                    c.progress.percent,
                    c.donor_count,
                    _state_label(c.progress),
                    _("yes") if c.is_public else _("no"),
                ]
            )
        return table_response(fmt, f"campaigns-{top.code}", _("Campaigns"), header, data, request=request, unit=top)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = _campaign_rows(page.object_list, today)
    for campaign in page.object_list:
        campaign.state_label = _state_label(campaign.progress)
    return render(
        request,
        "collection/campaign_list.html",
        {"page": page, "top": top, "can_configure": can(request.user, "collection.configure", top)},
    )


def _save_campaign(request, form, *, unit, campaign=None):
    try:
        saved = services.campaign_save(actor=request.user, unit=unit, campaign=campaign, **form.campaign_fields())
    except ValidationError as exc:
        apply_service_error(form, exc)
        return None
    messages.success(request, _("Campaign “%(name)s” has been saved.") % {"name": saved.name})
    return redirect("collection:campaign_detail", pk=saved.pk)


@login_required
def campaign_create(request):
    top = _top(request, "collection.configure")
    units = units_for(request.user, within=top, capability="collection.configure")
    today = _today(top)
    form = CampaignForm(
        request.POST or None,
        units=units,
        purposes=purposes_for(top),
        institution_id=top.institution_id,
        initial={"unit": top.pk, "start_date": today, "end_date": today, "is_public": True},
    )
    if request.method == "POST" and form.is_valid():
        response = _save_campaign(request, form, unit=form.cleaned_data["unit"])
        if response is not None:
            return response
    return render(request, "collection/campaign_form.html", {"form": form, "title": _("New campaign")})


def _purposes_with(campaign) -> list[Purpose]:
    """The programs the campaign's office may raise for, and the one it raises for (even if ended since)."""
    purposes = purposes_for(campaign.unit)
    if campaign.purpose and campaign.purpose not in {p.key for p in purposes}:
        found = purpose_resolve(campaign.institution_id, campaign.purpose)
        purposes.append(found or Purpose(campaign.purpose, campaign.purpose, campaign.purpose))
    return purposes


@login_required
def campaign_edit(request, pk):
    campaign = campaigns_sel.campaign_for(request.user, pk)
    require(request.user, "collection.configure", campaign.unit)
    fields = ("code", "name", "description", "target", "start_date", "end_date", "is_public")
    form = CampaignForm(
        request.POST or None,
        purposes=_purposes_with(campaign),
        institution_id=campaign.institution_id,
        campaign=campaign,
        initial={**{f: getattr(campaign, f) for f in fields}, "program": campaign.purpose},
    )
    if request.method == "POST" and form.is_valid():
        response = _save_campaign(request, form, unit=campaign.unit, campaign=campaign)
        if response is not None:
            return response
    return render(
        request, "collection/campaign_form.html", {"form": form, "title": campaign.name, "campaign": campaign}
    )


@login_required
def campaign_detail(request, pk):
    campaign = campaigns_sel.campaign_for(request.user, pk)
    campaign.progress = campaigns_sel.progress(campaign, _today(campaign.unit))
    donations = campaigns_sel.campaign_donations(request.user, campaign)
    page = Paginator(donations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/campaign_detail.html",
        {
            "campaign": campaign,
            "state_label": _state_label(campaign.progress),
            "page": page,
            "can_configure": can(request.user, "collection.configure", campaign.unit),
            "public_url": request.build_absolute_uri(
                reverse("collection:campaign_public", args=[campaign.institution.code, campaign.code])
            )
            if campaign.is_public
            else "",
        },
    )


def campaign_public(request, institution, code):
    """A public campaign page: target, total collected and a progress bar; no donor's personal data.
    It says where to give (the office's bank accounts and hours) and can be shared by WhatsApp."""
    campaign = campaigns_sel.campaign_public(institution, code)
    campaign.progress = campaigns_sel.progress(campaign, _today(campaign.unit))
    context = {
        "campaign": campaign,
        "state_label": _state_label(campaign.progress),
        "institution": campaign.institution,
    }
    if getattr(request, "htmx", False):
        return render(request, "collection/campaign_progress.html", context)
    ways = reverse("collection:ways_to_give", args=[campaign.institution.code.lower()])
    share_text = f"{campaign.name} {request.build_absolute_uri(request.path)}"
    context.update(
        {
            "pay_url": f"{ways}?{urlencode({'kampanye': campaign.code})}",
            "share_url": f"https://wa.me/?text={quote(share_text, safe='')}",
            "accounts": campaigns_sel.giving_bank_accounts(campaign.unit),
            "office": campaigns_sel.giving_office(campaign.unit),
        }
    )
    return render(request, "collection/campaign_public.html", context)


# --- ways to give -------------------------------------------------------------------------------

# A page anyone may open, naming offices and campaigns by code: limited per address like the other
# public lookups, generously, since a family may open it again and again while paying.
WAYS_TO_GIVE_RATE = Rate(count=120, seconds=600)
# Short transfer notes (berita) a clerk recognises at once when matching a bank statement.
TRANSFER_NOTES = {
    ReceiptKind.ZAKAT_MAAL: "ZAKAT MAAL",
    ReceiptKind.ZAKAT_INCOME: "ZAKAT PENGHASILAN",
    ReceiptKind.ZAKAT_FITRAH: "ZAKAT FITRAH",
    ReceiptKind.INFAK: "INFAK",
    ReceiptKind.FIDYAH: "FIDYAH",
    ReceiptKind.KAFARAT: "KAFARAT",
    ReceiptKind.QURBAN: "QURBAN",
}


def _amount_from(raw: str) -> int | None:
    digits = (raw or "").strip()
    # Past the one ceiling (``MAX_RUPIAH``) an amount is ignored, never an error.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 16:
        return None
    amount = int(digits)
    return amount if is_whole_rupiah(amount) else None


def _whatsapp_of(office) -> str:
    """The office's WhatsApp number in the digits wa.me expects, or "" if it has none that is valid."""
    try:
        return whatsapp_number(clean_phone(office.whatsapp))
    except DomainError:
        return ""


def _chat_text(*, office, campaign, kind: str, amount: int | None) -> str:
    what = str(ReceiptKind(kind).label) if kind else ""
    if campaign is not None:
        text = _("Assalamualaikum. I would like to give to the campaign “%(campaign)s” (code %(code)s).") % {
            "campaign": campaign.name,
            "code": campaign.code,
        }
    elif what:
        text = _("Assalamualaikum. I would like to pay %(what)s.") % {"what": what}
    else:
        text = _("Assalamualaikum. I would like to give to %(office)s.") % {"office": office.name}
    if amount:
        text += " " + _("The amount is %(amount)s.") % {"amount": rupiah(amount)}
    return text + " " + _("How do I pay?")


def ways_to_give(request, institution):
    """How to give to an office (no login): its bank accounts with the note to write, the office to pay
    at in person with its hours, and a WhatsApp chat with a prefilled message.

    ``?kantor=`` names the office (the institution by default), ``?kampanye=`` a public campaign (its
    office then), ``?jenis=`` and ``?jumlah=`` what the calculator found; anything unknown is ignored.
    """
    wait = throttle_hit(request, "ways-to-give", WAYS_TO_GIVE_RATE)
    if wait:
        context = {"institution": campaigns_sel.institution_public(institution), "minutes": max(round(wait / 60), 1)}
        response = render(request, "collection/public_throttled.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    root = campaigns_sel.institution_public(institution)
    campaign = campaigns_sel.campaign_public_of(root, request.GET.get("kampanye"))
    office = campaign.unit if campaign else campaigns_sel.office_public(root, request.GET.get("kantor")) or root
    kind = request.GET.get("jenis", "")
    kind = kind if kind in TRANSFER_NOTES else ""
    if campaign is not None:
        kind = ""
    amount = _amount_from(request.GET.get("jumlah", ""))
    contact = campaigns_sel.giving_office(office)
    chat_office = campaigns_sel.giving_whatsapp(office)
    whatsapp = _whatsapp_of(chat_office) if chat_office else ""
    chat = _chat_text(office=office, campaign=campaign, kind=kind, amount=amount)
    context = {
        "institution": root,
        "office": office,
        "contact": contact,
        "campaign": campaign,
        "kind_label": ReceiptKind(kind).label if kind else "",
        "amount": amount,
        "accounts": campaigns_sel.giving_bank_accounts(office),
        "transfer_note": campaign.code.upper() if campaign else TRANSFER_NOTES.get(kind, "INFAK"),
        "whatsapp_url": whatsapp_link(whatsapp, chat) if whatsapp else "",
        "whatsapp_display": chat_office.whatsapp.strip() if chat_office else "",
    }
    return render(request, "collection/ways_to_give.html", context)


# --- settings -----------------------------------------------------------------------------------


@login_required
def settings_page(request):
    """Zakat fitrah rates and accepted kinds of the active unit; gold price and receipt footer of the institution."""
    top = _top(request, "collection.configure")
    user = request.user
    today = _today(top)
    year = services.hijri_year(today)
    institution = top.institution
    can_institution = can(user, "collection.configure", institution)
    section = request.POST.get("section") if request.method == "POST" else None

    own_rates = list(selectors.fitrah_rates_for(user, top))
    edit_year = request.GET.get("year", "")
    edit_rate = next((r for r in own_rates if str(r.hijri_year) == edit_year), None)
    rate_initial = {"hijri_year": year, "mode": "money", "rice_kg": Decimal("2.5")}
    if edit_rate is not None:
        rate_initial = {
            "hijri_year": edit_rate.hijri_year,
            "mode": edit_rate.mode,
            "amount": edit_rate.amount,
            "rice_kg": edit_rate.rice_kg,
            "rice_price_per_kg": edit_rate.rice_price_per_kg,
        }
    rate_form = FitrahRateForm(request.POST if section == "fitrah" else None, initial=rate_initial)

    kinds_row = (
        AcceptedFunds.objects.filter(unit__path__in=top.lineage_paths)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    kinds_form = AcceptedKindsForm(
        request.POST if section == "kinds" else None, initial={"kinds": services.accepted_kinds(top)}
    )
    gold = services.collection_settings(institution.pk)
    institution_form = None
    if can_institution:
        institution_form = InstitutionSettingsForm(
            request.POST if section == "institution" else None,
            initial={
                "gold_price_per_gram": gold.gold_price_per_gram,
                "gold_price_date": gold.gold_price_date,
                "receipt_note": gold.receipt_note,
            },
        )

    if section == "fitrah" and rate_form.is_valid():
        data = rate_form.cleaned_data
        try:
            rate = services.fitrah_rate_set(
                actor=user,
                unit=top,
                hijri_year=data["hijri_year"],
                mode=data["mode"],
                amount=data.get("amount"),
                rice_kg=data.get("rice_kg"),
                rice_price_per_kg=data.get("rice_price_per_kg"),
            )
        except ValidationError as exc:
            apply_service_error(rate_form, exc)
        else:
            messages.success(
                request,
                _("Zakat fitrah for %(year)s H at %(unit)s is now %(amount)s per person.")
                % {"year": rate.hijri_year, "unit": top.name, "amount": rupiah(rate.per_person)},
            )
            return redirect("collection:settings")
    elif section == "kinds" and kinds_form.is_valid():
        try:
            services.accepted_kinds_set(actor=user, unit=top, kinds=kinds_form.cleaned_data["kinds"])
        except ValidationError as exc:
            apply_service_error(kinds_form, exc)
        else:
            messages.success(request, _("The accepted donation kinds of %(unit)s are saved.") % {"unit": top.name})
            return redirect("collection:settings")
    elif section == "institution":
        if institution_form is None:
            raise PermissionDenied(_("Only the institution's administrators or finance can change these settings."))
        if institution_form.is_valid():
            data = institution_form.cleaned_data
            try:
                services.collection_settings_set(
                    actor=user,
                    institution=institution,
                    gold_price_per_gram=data["gold_price_per_gram"],
                    gold_price_date=data.get("gold_price_date"),
                    receipt_note=data.get("receipt_note", ""),
                )
            except ValidationError as exc:
                apply_service_error(institution_form, exc)
            else:
                messages.success(request, _("The institution's collection settings are saved."))
                return redirect("collection:settings")

    current = services.fitrah_rate_for(top, today)
    return render(
        request,
        "collection/settings.html",
        {
            "top": top,
            "institution": institution,
            "hijri_year": year,
            "current_rate": current,
            "current_inherited": current is not None and current.unit_id != top.pk,
            "own_rates": own_rates,
            "rate_form": rate_form,
            "editing_year": edit_rate.hijri_year if edit_rate else None,
            "kinds_form": kinds_form,
            "kinds_row": kinds_row,
            "kinds_inherited": kinds_row is not None and kinds_row.unit_id != top.pk,
            "gold": gold,
            "institution_form": institution_form,
            "section": section,
        },
    )
