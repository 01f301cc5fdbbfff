"""Reads of receipts, always scoped to the user's unit subtrees (the receipt's issuing unit)."""

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from satuatap.collection.models import DonationLine, Receipt, ReceiptPrint
from satuatap.organizations.selectors import scoped


def receipts_for(user, *, capability: str = "collection.view") -> QuerySet[Receipt]:
    return scoped(Receipt.objects.all(), user, capability).select_related(
        "unit",
        "donation",
        "donation__donor",
        "donation__collector",
        "donation__voided_by",
        "donation__bank_account",
    )


def receipt_for(user, pk, *, capability: str = "collection.view") -> Receipt:
    """One receipt the user may see, with its donation, lines and print log; 404 otherwise."""
    try:
        receipt = receipts_for(user, capability=capability).get(pk=pk)
    except (Receipt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return receipt


def receipt_lines(receipt: Receipt) -> list[DonationLine]:
    return list(DonationLine.objects.filter(donation_id=receipt.donation_id).select_related("campaign"))


def receipt_prints(receipt: Receipt) -> QuerySet[ReceiptPrint]:
    return ReceiptPrint.objects.filter(receipt=receipt).select_related("by")


def receipt_by_token(token: str) -> Receipt:
    """The receipt a public verification link names (no login); 404 for an unknown token."""
    if not isinstance(token, str) or not 8 <= len(token) <= 32:
        raise Http404
    try:
        return Receipt.objects.select_related("unit", "donation").get(verify_token=token)
    except Receipt.DoesNotExist:
        raise Http404 from None


def receipt_figures(alias: str) -> dict[str, list[int]]:
    """How many receipts each unit numbered in each year, and the last number: a section of the
    figures a restore must reproduce (registered with ``core.backup``)."""
    return {
        f"{row['unit_id']}/{row['year']}": [row["n"], row["last"]]
        for row in Receipt.objects.using(alias)
        .values("unit_id", "year")
        .annotate(n=Count("id"), last=Max("sequence"))
        .order_by("unit_id", "year")
    }
