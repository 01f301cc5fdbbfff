"""Every bad field of the goods stock's forms comes back in one round (issue 14 item 4): receiving a
gift, buying goods, giving goods to a person and the catalogue. The form's own refusal and the stock's
rules are shown together, and nothing is saved."""

from datetime import timedelta

import pytest
from django.utils import timezone

from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Disbursement, StockItem, StockMove
from satuatap.distribution.stock import services as stock_services
from satuatap.distribution.tests import test_stock
from satuatap.distribution.tests.test_api import Api, error_of
from satuatap.distribution.tests.test_stock import approved, as_user, goods_url, received, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

store = test_stock.store  # the stock's fixture: branch A's rice, a gift of it and a goods program


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def test_receiving_shows_the_bad_quantity_and_the_future_day_together(world, books, store):
    response = as_user(books.fiona).post(
        "/distribution/stock/receive/",
        {"line": store.line.pk, "item": store.item.pk, "quantity": "0", "moved_on": tomorrow()},
    )
    assert response.status_code == 200
    html = text_of(response)
    assert "Enter how many (more than zero)." in html and "The date cannot be in the future." in html
    assert not StockMove.objects.exists()


def test_purchase_shows_the_bad_quantity_the_price_above_the_fund_and_the_future_day_together(world, books, store):
    response = as_user(books.fiona).post(
        "/distribution/stock/purchase/",
        {
            "item": store.item.pk,
            "fund_kind": "zakat",
            "quantity": "abc",
            "value": "1.000.000.000",
            "money_account": books.cash.pk,
            "moved_on": tomorrow(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["quantity"] == ["Enter how many (more than zero)."]
    assert "goods for Rp1.000.000.000 cannot be bought" in errors["value"][0]
    assert errors["moved_on"] == ["The date cannot be in the future."]
    assert not StockMove.objects.exists()


def test_the_purchase_service_names_every_bad_field_at_once(world, books, store):
    with pytest.raises(DistributionRefused) as refused:
        stock_services.stock_purchase(
            actor=books.fiona,
            unit=world.branch_a,
            item=store.item,
            fund_kind="zakat",
            quantity="-1",
            value=1_000_000_000,
            money_account=books.cash,
            moved_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(refused.value.error_dict) == {"quantity", "value", "moved_on"}


def test_giving_goods_shows_the_missing_day_and_the_quantity_above_the_approval_together(world, books, store):
    received(world, books, store)  # 100 kg worth Rp1.500.000 on hand
    application = approved(world, books, store, 150_000)
    response = as_user(books.fiona).post(
        goods_url(application), {"item": store.item.pk, "quantity": "50", "paid_on": "", "give": "1"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["paid_on"] == ["Enter the day the goods were given."]
    assert "left to give" in errors["quantity"][0]
    assert not Disbursement.objects.exists()


def test_catalogue_shows_the_taken_name_and_the_missing_measure_together(world, books, store):
    response = as_user(books.fiona).post("/distribution/stock/items/", {"name": "beras PREMIUM", "measure": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["The catalogue already has goods of this name."]
    assert errors["measure"] == ["Give the unit of measure (kg, sack, box, package)."]
    assert StockItem.objects.count() == 1


def test_the_purchase_api_names_every_bad_field_at_once(world, books, store):
    body = {
        "unit_id": world.branch_a.pk,
        "item_id": store.item.pk,
        "fund_kind": "amil",
        "quantity": "0",
        "value": 0,
        "money_account_id": books.cash.pk,
        "moved_on": "2100-01-01",
    }
    error = error_of(Api(books.fiona).post("/stock/purchase", body), 400)
    assert set(error["fields"]) == {"fund_kind", "quantity", "value", "moved_on"}
    assert not StockMove.objects.exists()
