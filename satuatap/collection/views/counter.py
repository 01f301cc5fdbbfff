"""The counter screen (one page to find or register the donor, add lines, choose the channel and
save) and the staff list and detail of donations. Thin: the writes are ``donation_record`` and
``donor_register``; every read goes through ``collection.selectors``."""

import json
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from satuatap.collection import selectors
from satuatap.collection.errors import DonationConflict
from satuatap.collection.forms.counter import (
    CounterForm,
    DonationFilterForm,
    DonorRegisterForm,
    LineFormSet,
    kind_choices,
)
from satuatap.collection.models import BANK_CHANNELS, DonationStatus, PaymentChannel
from satuatap.collection.services import accepted_kinds, donation_fields_check, donation_record, fitrah_rate_for
from satuatap.core.exports import MONEY, Column, table_response
from satuatap.core.views.helpers import active_unit, apply_service_error
from satuatap.donors.errors import DuplicateDonor
from satuatap.donors.services import donor_register
from satuatap.ledger.hooks import purposes_for
from satuatap.ledger.models import ReceiptKind
from satuatap.organizations.permissions import can, require
from satuatap.organizations.selectors import units_for

# Fields of a service refusal that belong to one line of the donation.
LINE_FIELDS = {"lines": "kind", "amount": "amount", "persons": "persons"}
LINE_FIELDS.update({f: f for f in ("goods_description", "goods_quantity")})
PAGE_SIZE = 50


def _active_unit(request, capability: str):
    return active_unit(request, capability)


def _thousands(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _fitrah_per_person(unit, day) -> int | None:
    rate = fitrah_rate_for(unit, day) if day else None
    return rate.per_person if rate is not None else None


# --- the counter ---------------------------------------------------------------------------------


def _prefill(request, unit, kinds) -> tuple[dict, list[dict], object]:
    """Initial values from ``?donor=<pk>&kind=zakat_maal&amount=...&persons=...`` (the zakat
    calculator and donor pages link here); anything unusable is left out."""
    donor = selectors.counter_donor(request.user, unit, request.GET.get("donor")) if "donor" in request.GET else None
    line = {}
    kind = request.GET.get("kind", "")
    if kind in {value for value, _label in kinds if value}:
        line["kind"] = kind
    amount = request.GET.get("amount", "").strip()
    if amount.isdigit() and 0 < int(amount) < 10**16:
        line["amount"] = _thousands(int(amount))
    persons = request.GET.get("persons", "").strip()
    if persons.isdigit() and 0 < int(persons) <= 1000:
        line["persons"] = int(persons)
    initial = {"donor": donor.pk} if donor else {}
    return initial, [line], donor


def _line_number_of(message: str, count: int) -> int | None:
    """Which line a service message is about: it starts with the translated "Line N: "."""
    for number in range(1, count + 1):
        if message.startswith(_("Line %(number)s: %(message)s") % {"number": number, "message": ""}):
            return number
    return None


def _show_refusal(form, line_forms, line_errors: list, exc: ValidationError, *, beside_own: bool = False) -> None:
    """Put a refusal of ``donation_record`` next to the line or field it names; ``beside_own``: not on a
    field that already shows a mistake of the form's own (one message per field is enough)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if beside_own and field in form.errors:
            continue
        for message in ValidationError(errors).messages:
            if field in LINE_FIELDS:
                number = _line_number_of(message, len(line_forms))
                if number is not None:
                    line_forms[number - 1].add_error(LINE_FIELDS[field], message)
                else:
                    line_errors.append(message)
            elif field in form.fields and field != "idempotency_key":
                form.add_error(field, message)
            else:
                form.add_error(None, message)


def _service_mistakes(unit, form, lines, line_errors: list, *, lines_ok: bool) -> None:
    """The form has mistakes of its own: ask the service about the fields it found well-formed, so a
    date in the future, a missing bank account or a kind the office does not take show in the same
    round (the lines only when every line is well-formed, so that their numbers stay the same)."""
    data = getattr(form, "cleaned_data", {})
    day, channel = data.get("donation_date"), data.get("channel")
    filled = [line for line in lines if not line.is_blank()] if lines_ok and day and channel else None
    try:
        donation_fields_check(
            unit=unit,
            donation_date=day,
            channel=channel,
            bank_account=data.get("bank_account") if channel in BANK_CHANNELS else None,
            lines=None if filled is None else [line.spec(in_kind=channel == PaymentChannel.IN_KIND) for line in filled],
            bank_reference=data.get("bank_reference") or "",
            note=data.get("note") or "",
        )
    except ValidationError as exc:
        _show_refusal(form, filled or [], line_errors, exc, beside_own=True)


def _counter_context(request, unit, form, lines, donor, line_errors=()):
    day = getattr(form, "cleaned_data", {}).get("donation_date") if form.is_bound else form.initial["donation_date"]
    channel = form["channel"].value() or PaymentChannel.CASH
    return {
        "unit": unit,
        "form": form,
        "lines": lines,
        "line_errors": list(line_errors),
        "donor": donor,
        "channel": channel,
        "bank_channels": sorted(BANK_CHANNELS),
        "fitrah_rate": _fitrah_per_person(unit, day),
        "can_register": can(request.user, "donors.manage", unit),
        "register_form": DonorRegisterForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def counter(request):
    unit = _active_unit(request, "collection.record")
    campaigns = list(selectors.counter_campaigns(unit))
    kinds = kind_choices(accepted_kinds(unit), campaigns, purposes_for(unit))
    bank_accounts = list(selectors.counter_bank_accounts(unit))
    if request.method == "GET":
        saved = request.GET.get("saved")
        if saved:
            donation = selectors.donation_for(request.user, saved)
            lines = selectors.donation_lines(donation)
            return render(request, "collection/counter_saved.html", {"donation": donation, "lines": lines})
        initial, line_initial, donor = _prefill(request, unit, kinds)
        form = CounterForm(unit=unit, bank_accounts=bank_accounts, initial=initial)
        lines = LineFormSet(prefix="lines", initial=line_initial, form_kwargs={"kinds": kinds})
        return render(request, "collection/counter.html", _counter_context(request, unit, form, lines, donor))

    data = request.POST.copy()
    form = CounterForm(data, unit=unit, bank_accounts=bank_accounts)
    lines = LineFormSet(data, prefix="lines", form_kwargs={"kinds": kinds})
    donor = selectors.counter_donor(request.user, unit, request.POST.get("donor"))
    line_errors = []
    form_ok, lines_ok = form.is_valid(), lines.is_valid()
    if form_ok and donor is None and "donor" not in form.errors:
        form.add_error("donor", _("This donor cannot be found; search again."))
        form_ok = False
    if form_ok and lines_ok:
        filled = [line for line in lines if not line.is_blank()]
        cleaned = form.cleaned_data
        channel = cleaned["channel"]
        try:
            donation = donation_record(
                actor=request.user,
                unit=unit,
                donor=donor,
                donation_date=cleaned["donation_date"],
                channel=channel,
                lines=[line.spec(in_kind=channel == PaymentChannel.IN_KIND) for line in filled],
                idempotency_key=cleaned["idempotency_key"],
                bank_account=cleaned["bank_account"] if channel in BANK_CHANNELS else None,
                bank_reference=cleaned["bank_reference"] if channel in BANK_CHANNELS else "",
                note=cleaned["note"],
            )
        except DonationConflict as exc:
            # This form was saved before with other content (e.g. changed after going back):
            # nothing new is saved; a new key lets the clerk record it deliberately as another one.
            form.add_error(None, exc.messages[0])
            form.add_error(None, _("To record what is on the screen as another donation, save again."))
            data["idempotency_key"] = uuid.uuid4().hex
        except ValidationError as exc:
            _show_refusal(form, filled, line_errors, exc)
        else:
            return redirect(f"{reverse('collection:counter')}?saved={donation.pk}")
    else:
        _service_mistakes(unit, form, lines, line_errors, lines_ok=lines_ok)
    context = _counter_context(request, unit, form, lines, donor, line_errors)
    return render(request, "collection/counter.html", context, status=200)


@login_required
@require_GET
def counter_donor_search(request):
    unit = _active_unit(request, "collection.record")
    query = request.GET.get("q", "")
    donors = selectors.counter_donor_search(request.user, unit, query)
    return render(request, "collection/_counter_donor_results.html", {"donors": donors, "query": query.strip()})


@login_required
@require_POST
def counter_donor_register(request):
    unit = _active_unit(request, "collection.record")
    require(request.user, "donors.manage", unit)
    form = DonorRegisterForm(request.POST)
    duplicates = []
    if form.is_valid():
        try:
            donor = donor_register(
                actor=request.user,
                unit=unit,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.service_fields(),
            )
        except DuplicateDonor as exc:
            apply_service_error(form, exc)
            # Each match the counter may take a donation from can be chosen instead of registering.
            duplicates = [(c, selectors.counter_donor(request.user, unit, c.donor.pk)) for c in exc.candidates]
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            response = render(
                request,
                "collection/_counter_donor_registered.html",
                {"donor": donor, "register_form": DonorRegisterForm(), "can_register": True},
            )
            response["HX-Trigger-After-Settle"] = json.dumps({"counter:donor-picked": {"donor": donor.pk}})
            return response
    return render(
        request,
        "collection/_counter_donor_register.html",
        {"register_form": form, "can_register": True, "duplicates": duplicates},
    )


@login_required
@require_GET
def counter_fitrah_rate(request):
    """Rupiah per person of zakat fitrah at the active unit on ``?date=``, for the line's total."""
    unit = _active_unit(request, "collection.record")
    try:
        day = parse_date(request.GET.get("date", ""))
    except ValueError:
        day = None
    return JsonResponse({"per_person": _fitrah_per_person(unit, day)})


# --- list and detail -----------------------------------------------------------------------------


def _kinds_label(donation) -> str:
    """The kinds of a donation's (prefetched) lines in line order, each once: "Zakat maal, Infak/sedekah"."""
    lines = sorted(donation.lines.all(), key=lambda line: line.position)
    return ", ".join(dict.fromkeys(str(ReceiptKind(line.kind).label) for line in lines))


@login_required
@require_GET
def donation_list(request):
    top = _active_unit(request, "collection.view")
    units = units_for(request.user, within=top, capability="collection.view")
    form = DonationFilterForm(request.GET or None, units=units)
    if form.is_bound:
        form.is_valid()  # keeps the filters that are valid; the others show their error
    filters = getattr(form, "cleaned_data", {})
    donations = selectors.donations_for(
        request.user,
        filters.get("unit") or top,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        channel=filters.get("channel") or None,
        kind=filters.get("kind") or None,
        status=filters.get("status") or None,
        search=filters.get("q") or "",
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Receipt number"),
            _("Date"),
            _("Unit"),
            _("Donor number"),
            _("Donor"),
            _("Channel"),
            _("Kind"),
            Column(_("Total"), MONEY),  # void ones included: the status tells them apart, so no sum
            _("Status"),
        ]
        rows = (
            [
                d.receipt.number,
                d.donation_date,
                d.unit.code,
                d.donor.number,
                d.donor.full_name,
                d.get_channel_display(),
                _kinds_label(d),
                d.total,
                d.get_status_display(),
            ]
            for d in donations.prefetch_related("lines").iterator(chunk_size=2000)
        )
        return table_response(fmt, f"donations-{top.code}", _("Donations"), header, rows, request=request, unit=top)
    totals = donations.aggregate(
        count=Count("pk"),
        total=Sum("total", filter=Q(status=DonationStatus.RECORDED)),
        void=Count("pk", filter=Q(status=DonationStatus.VOID)),
    )
    page = Paginator(donations.prefetch_related("lines"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "collection/donation_list.html",
        {
            "top": top,
            "form": form,
            "page": page,
            "kinds": {d.pk: _kinds_label(d) for d in page},
            "totals": totals,
            "query": query.urlencode(),
            "can_record": can(request.user, "collection.record", top),
        },
    )


@login_required
@require_GET
def donation_detail(request, pk):
    donation = selectors.donation_for(request.user, pk)
    lines = list(selectors.donation_lines(donation))
    return render(
        request,
        "collection/donation_detail.html",
        {
            "donation": donation,
            "lines": lines,
            "show_goods": donation.channel == PaymentChannel.IN_KIND,
            "can_see_ledger": can(request.user, "ledger.view", donation.unit),
        },
    )
