"""The staff list and detail of donations: scoped to the active unit's subtree, filters, totals, exports."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from satuatap.collection.services import DonationLineSpec, donation_void
from satuatap.collection.tests.conftest import give
from satuatap.donors.services import donor_register
from satuatap.organizations.middleware import SESSION_KEY

LIST = "/collection/donations/"


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def detail(donation):
    return f"/collection/donations/{donation.pk}/"


@pytest.fixture
def book(world, desk):
    """Donations at branch A, its service unit, branch B and BETA."""
    siti = donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Rahmawati", phone="081399998888")
    return {
        "a1": give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000), ("infak", 25_000)),
        "a2": give(world.branch_a, siti, world.frank, ("infak", 300_000), day=date(2026, 3, 1)),
        "a3": give(
            world.branch_a, siti, world.frank, ("fidyah", 90_000), channel="bank_transfer", bank_account=desk.bank
        ),
        "sub": give(world.branch_a_sub, desk.donor, world.frank, ("zakat_income", 700_000)),
        "b": give(world.branch_b, desk.donor, desk.felix, ("infak", 4_444_000)),
        "beta": give(world.beta_branch, desk.secret_donor, desk.evan, ("infak", 5_555_000)),
    }


def shown(response):
    return {d.pk for d in response.context["page"]}


def test_list_shows_the_active_units_subtree_and_its_totals(world, desk, book):
    response = as_user(world.frank).get(LIST)
    assert response.status_code == 200
    assert shown(response) == {book[k].pk for k in ("a1", "a2", "a3", "sub")}
    assert response.context["totals"]["count"] == 4
    assert response.context["totals"]["total"] == 1_025_000 + 300_000 + 90_000 + 700_000
    page = response.content.decode()
    assert "Rp2.115.000" in page and "SECRET" not in page and "Rp4.444.000" not in page


def test_an_admin_of_the_institution_sees_every_branch_but_not_another_institution(world, desk, book):
    response = as_user(world.carol).get(LIST)
    assert book["b"].pk in shown(response)
    assert book["beta"].pk not in shown(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"date_from": "2026-03-05", "date_to": "2026-03-31"}, {"a1", "a3", "sub"}),
        ({"date_to": "2026-03-01"}, {"a2"}),
        ({"channel": "bank_transfer"}, {"a3"}),
        ({"kind": "infak"}, {"a1", "a2"}),
        ({"kind": "zakat_income"}, {"sub"}),
        ({"q": "siti"}, {"a2", "a3"}),
        ({"q": "BRAS1-2026"}, {"sub"}),
        ({"status": "void"}, set()),
        ({"unit": "SUB"}, {"sub"}),
    ],
)
def test_filters_narrow_the_list(world, desk, book, query, expected):
    if query.get("unit") == "SUB":
        query = {"unit": world.branch_a_sub.pk}
    response = as_user(world.frank).get(LIST, query)
    assert shown(response) == {book[k].pk for k in expected}


def test_void_donations_are_marked_and_left_out_of_the_total(world, desk, book):
    donation_void(actor=desk.fiona, donation=book["a2"], reason="Salah input")
    client = as_user(world.frank)
    response = client.get(LIST, {"status": "void"})
    assert shown(response) == {book["a2"].pk}
    assert response.context["totals"]["total"] is None and response.context["totals"]["void"] == 1
    assert client.get(LIST).context["totals"]["total"] == 1_025_000 + 90_000 + 700_000


def test_filters_that_make_no_sense_are_explained_not_crashed(world, desk, book):
    response = as_user(world.frank).get(LIST, {"date_from": "2026-13-45", "date_to": "kemarin", "page": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]
    response = as_user(world.frank).get(LIST, {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert response.context["form"].errors["date_to"]


def test_a_unit_filter_outside_the_subtree_shows_nothing_of_it(world, desk, book):
    client = as_user(world.frank)
    for other in (world.branch_b, world.beta_branch, world.alpha):
        response = client.get(LIST, {"unit": other.pk})
        assert response.context["form"].errors["unit"]
        assert book["b"].pk not in shown(response)
        assert book["beta"].pk not in shown(response)


def test_csv_and_xlsx_exports_hold_the_filtered_rows(world, desk, book):
    client = as_user(world.frank)
    response = client.get(LIST, {"kind": "infak", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {book["a1"].receipt.number, book["a2"].receipt.number}
    assert "1025000" in {row[7] for row in rows[1:]}
    response = client.get(LIST, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = int(sheet.freeze_panes[1:]) - 1  # the rows under the title block, from the frozen header on
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=header)]
    assert len(values) == 5
    assert 700_000 in [row[7] for row in values[1:]]
    assert not any("SECRET" in str(v) for row in values for v in row)


def test_list_pages_by_fifty_with_the_filters_kept(world, desk):
    for _ in range(55):
        give(world.branch_a, desk.donor, world.frank, ("infak", 1_000))
    client = as_user(world.frank)
    first = client.get(LIST, {"kind": "infak"})
    assert len(first.context["page"]) == 50
    assert "page=2&amp;" in first.content.decode() and "kind=infak" in first.content.decode()
    assert len(client.get(LIST, {"kind": "infak", "page": 2}).context["page"]) == 5


def test_list_queries_do_not_grow_with_the_rows(world, desk, django_assert_max_num_queries):
    client = as_user(world.frank)
    client.get(LIST)  # warm the session and caches
    for _ in range(3):
        give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 10_000), ("infak", 1_000))
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for _ in range(30):
        give(world.branch_a_sub, desk.donor, world.frank, ("fidyah", 10_000), ("infak", 1_000))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"]) == 33


def test_detail_shows_lines_channel_and_the_ledger_entry_to_finance(world, desk):
    donation = give(
        world.branch_a,
        desk.donor,
        world.frank,
        ("zakat_maal", 1_250_000),
        DonationLineSpec("zakat_fitrah", persons=2),
        channel="bank_transfer",
        bank_account=desk.bank,
        bank_reference="VAL-123",
        note="Zakat keluarga",
    )
    page = as_user(desk.fiona).get(detail(donation)).content.decode()
    assert donation.receipt.number in page and "Rp1.340.000" in page and "Rp90.000" in page
    assert "2 × Rp45.000" in page and "VAL-123" in page and "Zakat keluarga" in page
    assert f"/ledger/entries/{donation.entry_id}/" in page
    assert "3171011708450001" not in page and desk.donor.npwp_masked in page


def test_front_office_sees_the_detail_without_a_link_into_the_ledger(world, desk):
    donation = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000))
    page = as_user(world.frank).get(detail(donation)).content.decode()
    assert donation.receipt.number in page
    assert f"/ledger/entries/{donation.entry_id}/" not in page


def test_detail_of_a_voided_donation_says_why_and_links_the_reversal(world, desk):
    donation = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000))
    donation_void(actor=desk.fiona, donation=donation, reason="Dobel input")
    donation.refresh_from_db()
    page = as_user(desk.fiona).get(detail(donation)).content.decode()
    assert 'data-testid="void-notice"' in page and "Dobel input" in page
    assert f"/ledger/entries/{donation.void_entry_id}/" in page


def test_goods_lines_show_their_description_and_quantity(world, desk):
    donation = give(
        world.branch_a,
        desk.donor,
        world.frank,
        DonationLineSpec("infak", 600_000, goods_description="Beras", goods_quantity="50", goods_unit="kg"),
        channel="in_kind",
    )
    page = as_user(world.frank).get(detail(donation)).content.decode()
    assert "Beras (50 kg)" in page


# --- who may see them ----------------------------------------------------------------------------


def test_outsiders_get_not_found_for_a_donation_they_may_not_see(world, desk, book):
    for user in (world.bob, world.eve, world.nina, desk.felix, desk.evan):
        assert as_user(user).get(detail(book["a1"])).status_code == 404
    assert as_user(world.frank).get(detail(book["b"])).status_code == 404
    assert as_user(world.frank).get(detail(book["beta"])).status_code == 404
    assert as_user(world.frank).get("/collection/donations/999999/").status_code == 404


def test_someone_without_any_role_cannot_list_donations(world, desk, book):
    assert as_user(world.nina).get(LIST).status_code == 403
    for url in (LIST, detail(book["a1"])):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_follows_the_active_unit_not_every_role(world, desk, book):
    """A person with roles on two branches sees the branch they switched to."""
    from tests.factories import grant

    grant(world.frank, world.branch_b, "front_office")
    client = as_user(world.frank)
    membership_b = world.frank.memberships.get(unit=world.branch_b)
    session = client.session
    session[SESSION_KEY] = membership_b.pk
    session.save()
    response = client.get(LIST)
    assert shown(response) == {book["b"].pk}
