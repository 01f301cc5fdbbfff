"""Matrix entries for distribution: stock (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (SECRET in
their names where they are foreign) and returns their ids keyed by the kinds named below;
``base`` holds the ids already built there ("program", "application", "evidence", "person").

The catalogue of goods is the institution's: one item per institution, named after it (so only
BETA's carries SECRET and Xenon), which alice of branch A may read but not change (items are
changed at the institution). Goods on hand and their moves belong to a unit: ``unit`` gets a
purchase whose note carries the marker.
"""

from datetime import date

OBJECT_KINDS: dict = {"distribution:goods_pay": "application"}
LIST_VARIANTS: dict = {
    "distribution:stock": ["", "?format=csv", "?format=xlsx", "?fund=zakat", "?fund=infak&format=csv"],
    "distribution:stock_moves": [
        "", "?format=csv", "?format=xlsx", "?start=2020-01-01&end=2099-12-31", "?kind=purchase",
        "?item=987654321", "?start=2020-01-01&format=xlsx",
    ],
    "distribution:stock_items": ["", "?edit=987654321"],
    "distribution:stock_receive": ["", "?page=2"],
    "distribution:stock_purchase": [""],
}  # fmt: skip
PUBLIC: set = set()
API_PARAMS: dict = {"item_id": "stock_item"}

_STOCK = "/api/v1/distribution/stock"

API_BODIES: dict = {
    ("post", _STOCK + "/items"): lambda ids: {"unit_id": ids["unit"], "name": "Matrix goods", "measure": "kg"},
    ("patch", _STOCK + "/items/{item_id}"): lambda ids: {"name": "Renamed by the matrix"},
    ("post", _STOCK + "/receive"): lambda ids: {
        "unit_id": ids["unit"],
        "donation_line_id": 987654321,
        "item_id": ids["stock_item"],
        "quantity": "1",
    },
    ("post", _STOCK + "/purchase"): lambda ids: {
        "unit_id": ids["unit"],
        "item_id": ids["stock_item"],
        "fund_kind": "infak",
        "quantity": "1",
        "value": 1_000,
        "money_account_id": ids["money_account"],
        "moved_on": date(2026, 1, 5).isoformat(),
        "note": "matrix",
    },
    ("post", "/api/v1/distribution/applications/{application_id}/goods"): lambda ids: {
        "item_id": ids["stock_item"],
        "quantity": "1",
        "reference": "matrix",
    },
}
PUBLIC_API: set = set()


def matrix_ids(unit, officer, marker, base) -> dict:
    """The institution's item (built once per institution) and a purchase of it at ``unit``,
    written directly (the matrix's officer does not hold the finance role)."""
    from django.utils import timezone

    from satuatap.distribution.models import StockItem, StockMove
    from satuatap.organizations.models import Unit

    institution = Unit.objects.get(pk=unit.institution_id)
    item, _created = StockItem.objects.get_or_create(
        institution=institution, name=f"Beras {institution.name}", defaults={"measure": "kg"}
    )
    move = StockMove.objects.create(
        institution=institution,
        unit=unit,
        item=item,
        kind="purchase",
        fund_kind="infak",
        quantity=10,
        value=150_000,
        moved_on=timezone.localdate(),
        note=f"{marker} nota toko",
        created_by=officer,
    )
    return {"stock_item": item.pk, "stock_move": move.pk}
