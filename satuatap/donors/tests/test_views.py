"""The donor pages: list and search, register and edit, detail, identifiers, history, merge, statement."""

import pytest
from django.test import Client

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.donors.models import Donor
from satuatap.donors.tests.conftest import give
from tests.scoping import response_text


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    text = response_text(response)
    return text.decode() if isinstance(text, bytes) else text


# --- list, search, export --------------------------------------------------------------------------------


def test_the_list_shows_the_units_donors_with_identifiers_masked(world, desk, people, django_assert_max_num_queries):
    client = as_user(world.frank)
    with django_assert_max_num_queries(14):
        response = client.get("/donors/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Muhammad Nur Hidayat" in text and "Siti Aminah" in text
    assert "************0001" in text and "3171011708450001" not in text
    assert "SECRET" not in text


def test_the_search_fragment_answers_as_you_type_and_keeps_the_address_in_step(world, desk):
    client = as_user(world.frank)
    response = client.get("/donors/search/", {"q": "moh nur"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Muhammad Nur Hidayat" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert response["HX-Replace-Url"] == "/donors/?q=moh+nur"


def test_a_long_list_is_paginated(world, desk):
    from satuatap.donors.services import donor_register

    for i in range(30):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=f"Donatur {i:02d}")
    client = as_user(world.frank)
    first = client.get("/donors/", {"q": "donatur"}).content.decode()
    assert "Donatur 00" in first and "Donatur 25" not in first and "offset=25" in first
    second = client.get("/donors/", {"q": "donatur", "offset": 25}).content.decode()
    assert "Donatur 25" in second and "Donatur 00" not in second


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_list_exports_what_the_user_sees_masked(world, desk, people, fmt):
    response = as_user(world.frank).get("/donors/", {"format": fmt})
    assert response.status_code == 200
    body = page_text(response)
    assert "Siti Aminah" in body and "SECRET" not in body and "3171011708450001" not in body


def test_a_search_export_holds_the_matches_only(world, desk, people):
    body = as_user(world.frank).get("/donors/", {"format": "csv", "q": "siti"}).content.decode()
    assert "Siti Aminah" in body and "Muhammad Nur Hidayat" not in body


# --- register and edit -----------------------------------------------------------------------------------


def test_front_office_registers_a_donor_at_the_active_unit(world, desk):
    response = as_user(world.frank).post(
        "/donors/new/",
        {
            "kind": "person",
            "full_name": "  Siti   Rahmawati ",
            "phone": "0857 1234 5678",
            "preferred_channel": "whatsapp",
            "consent_whatsapp": "on",
            "tags": "tetap, UPZ",
        },
    )
    donor = Donor.objects.get(full_name="Siti Rahmawati")
    assert response.status_code == 302 and response["Location"] == f"/donors/{donor.pk}/"
    assert donor.registered_unit == world.branch_a and donor.phone == "+6285712345678"
    assert donor.tags == ["tetap", "upz"] and donor.consent_whatsapp


def test_bad_identifiers_are_explained_next_to_the_field_in_indonesian_and_nothing_is_lost(world, desk):
    before = Donor.objects.count()
    response = as_user(world.frank).post(
        "/donors/new/", {"kind": "person", "full_name": "Budi", "nik": "12345", "preferred_channel": "whatsapp"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "nik" in form.errors and "16" in form.errors["nik"][0]
    text = response.content.decode()
    assert 'value="Budi"' in text and 'value="12345"' in text
    assert "16 digit" in text  # Indonesian by default
    assert Donor.objects.count() == before


def test_a_second_registration_of_a_nik_is_refused_with_the_existing_number(world, desk):
    response = as_user(world.frank).post(
        "/donors/new/",
        {"kind": "person", "full_name": "Nur Hidayat", "nik": "3171011708450001", "preferred_channel": "whatsapp"},
    )
    assert response.status_code == 200 and desk.donor.number in response.context["form"].errors["nik"][0]


def test_the_duplicates_panel_shows_likely_duplicates_while_typing(world, desk):
    client = as_user(world.frank)
    response = client.post("/donors/duplicates/", {"full_name": "Moh. Noor Hidayat", "phone": "0812-3456-7890"})
    text = response.content.decode()
    assert desk.donor.number in text and "duplicates" in text
    empty = client.post("/donors/duplicates/", {"full_name": "Zaenal Abidin"}).content.decode()
    assert 'data-testid="no-duplicates"' in empty


def test_the_duplicates_panel_reports_another_offices_nik_by_number_only(world, desk, people):
    from satuatap.donors.services import donor_update

    donor_update(actor=world.bob, donor=people.stranger, nik="3171014101900002")
    text = as_user(world.frank).post("/donors/duplicates/", {"nik": "3171014101900002"}).content.decode()
    assert people.stranger.number in text and "SECRET" not in text
    assert f"/donors/{people.stranger.pk}/" not in text


def test_editing_changes_only_what_was_changed_and_keeps_the_nik(world, desk):
    client = as_user(world.frank)
    form = client.get(f"/donors/{desk.donor.pk}/edit/")
    assert "3171011708450001" not in form.content.decode() and "************0001" in form.content.decode()
    data = {k: v for k, v in form.context["form"].initial.items() if v not in (None, False)}
    data.update({"street": "Jl. Melati 3", "nik": "", "npwp": ""})
    response = client.post(f"/donors/{desk.donor.pk}/edit/", data)
    assert response.status_code == 302
    desk.donor.refresh_from_db()
    assert desk.donor.street == "Jl. Melati 3" and desk.donor.nik == "3171011708450001"
    event = AuditEvent.objects.filter(action=AuditAction.DONOR_UPDATED).get()
    assert set(event.changes) == {"street"}


def test_a_branch_that_only_took_a_donation_cannot_edit_the_donor(world, desk, people):
    client = as_user(world.frank)
    assert client.get(f"/donors/{people.visitor.pk}/").status_code == 200
    assert client.get(f"/donors/{people.visitor.pk}/edit/").status_code == 403


# --- detail, identifiers, history ----------------------------------------------------------------------


def test_the_detail_shows_history_across_the_institution_and_totals(world, desk, django_assert_max_num_queries):
    from satuatap.collection.services import donation_void

    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000), ("infak", 50_000))
    felix_gift = give(world.branch_b, desk.donor, desk.felix, ("infak", 20_000))
    void = give(world.branch_a, desk.donor, world.frank, ("infak", 999_000))
    donation_void(actor=desk.fiona, donation=void, reason="salah input")
    client = as_user(world.frank)
    with django_assert_max_num_queries(16):
        response = client.get(f"/donors/{desk.donor.pk}/")
    text = response.content.decode()
    assert felix_gift.receipt.number in text and void.receipt.number in text
    assert "Rp1.000.000" in text and "Rp70.000" in text  # infak total leaves the void one out
    assert "Rp1.070.000" in text


def test_full_identifiers_are_shown_only_to_roles_that_need_them_and_every_read_is_audited(world, desk):
    assert as_user(world.frank).post(f"/donors/{desk.donor.pk}/identifiers/").status_code == 403
    response = as_user(world.audrey).post(f"/donors/{desk.donor.pk}/identifiers/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "3171011708450001" in response.content.decode()
    assert "01.312.166.0-091.000" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.DONOR_IDENTIFIERS_VIEWED, actor=world.audrey).count() == 1
    assert as_user(world.audrey).get(f"/donors/{desk.donor.pk}/identifiers/").status_code == 405


def test_the_history_lists_versions_with_their_changes_masked(world, desk):
    from satuatap.donors.services import donor_update

    donor_update(actor=world.frank, donor=desk.donor, nik="3171014101900002", street="Jl. Mawar")
    text = as_user(world.audrey).get(f"/donors/{desk.donor.pk}/history/").content.decode()
    assert "Jl. Mawar" in text and "************0002" in text and "3171014101900002" not in text
    assert str(world.frank) in text  # the audit event names who changed it


# --- merge ----------------------------------------------------------------------------------------------


def test_finance_merges_a_duplicate_from_the_pages(world, desk):
    from satuatap.donors.services import donor_register

    twin = donor_register(
        actor=world.frank,
        unit=world.branch_a,
        full_name="Moh. Noor Hidayat",
        phone="0812 3456 7890",
        confirm_duplicate=True,
    )
    give(world.branch_a, twin, world.frank, ("infak", 10_000))
    client = as_user(desk.fiona)
    choose = client.get(f"/donors/{desk.donor.pk}/merge/").content.decode()
    assert twin.number in choose
    preview = client.get(f"/donors/{desk.donor.pk}/merge/", {"other": twin.pk}).content.decode()
    assert twin.number in preview and desk.donor.number in preview
    response = client.post(f"/donors/{desk.donor.pk}/merge/", {"other": twin.pk, "survivor": desk.donor.pk})
    assert response.status_code == 302 and response["Location"] == f"/donors/{desk.donor.pk}/"
    twin.refresh_from_db()
    assert twin.merged_into == desk.donor
    merged_page = client.get(f"/donors/{twin.pk}/").content.decode()
    assert 'data-testid="merged-banner"' in merged_page and f"/donors/{desk.donor.pk}/" in merged_page


def test_a_survivor_that_is_neither_donor_is_refused(world, desk, people):
    client = as_user(world.alice)
    response = client.post(f"/donors/{desk.donor.pk}/merge/", {"other": people.visitor.pk, "survivor": 999999})
    assert response.status_code == 200 and not Donor.objects.filter(merged_into__isnull=False).exists()


def test_front_office_cannot_merge(world, desk):
    assert as_user(world.frank).get(f"/donors/{desk.donor.pk}/merge/").status_code == 403


# --- yearly statement --------------------------------------------------------------------------------------


def test_the_yearly_statement_is_a_pdf_and_its_issue_is_audited(world, desk):
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000))
    response = as_user(world.frank).get(f"/donors/{desk.donor.pk}/statement/", {"year": desk.day.year})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditAction.DONOR_IDENTIFIERS_VIEWED, actor=world.frank)
    assert str(desk.day.year) in event.note


@pytest.mark.parametrize("year", ["1999", "abc", "3000"])
def test_a_statement_for_an_impossible_year_is_a_clear_400(world, desk, year):
    response = as_user(world.frank).get(f"/donors/{desk.donor.pk}/statement/", {"year": year})
    assert response.status_code == 400 and "2000" in response.content.decode()


def test_the_statement_lists_every_receipt_void_ones_marked_and_totals_in_words(world, desk):
    from django.template.loader import render_to_string

    from satuatap.collection.services import donation_void
    from satuatap.donors import selectors
    from satuatap.donors.views import amount_words

    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000), ("infak", 250_000))
    void = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 5_000_000))
    donation_void(actor=desk.fiona, donation=void, reason="dobel")
    statement = selectors.donor_statement(desk.donor, desk.day.year)
    assert statement.zakat_total == 1_000_000 and statement.total == 1_250_000
    assert [line.is_void for line in statement.lines] == [False, True]
    html = render_to_string(
        "donors/statement_pdf.html",
        {
            "donor": desk.donor,
            "npwp": "01.312.166.0-091.000",
            "statement": statement,
            "institution": world.alpha,
            "unit": world.branch_a,
            "fund_labels": selectors.fund_labels(),
            "zakat_words": amount_words(statement.zakat_total),
            "total_words": amount_words(statement.total),
            "officer": world.frank,
        },
    )
    assert void.receipt.number in html and "01.312.166.0-091.000" in html
    assert "Satu juta rupiah" in html and "Satu juta dua ratus lima puluh ribu rupiah" in html


# --- outsiders ------------------------------------------------------------------------------------------


def _urls(donor):
    return [
        ("get", f"/donors/{donor.pk}/"),
        ("get", f"/donors/{donor.pk}/edit/"),
        ("post", f"/donors/{donor.pk}/identifiers/"),
        ("get", f"/donors/{donor.pk}/merge/"),
        ("get", f"/donors/{donor.pk}/history/"),
        ("get", f"/donors/{donor.pk}/statement/?year=2026"),
    ]


@pytest.mark.parametrize("who", ["eve", "bob"])
def test_outsiders_get_404_for_another_units_or_institutions_donor(world, desk, who):
    client = as_user(getattr(world, who))
    for method, url in _urls(desk.donor):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), url
        assert "Hidayat" not in response.content.decode(), url


def test_an_outsider_cannot_merge_in_another_units_donor(world, desk, people):
    response = as_user(world.alice).get(f"/donors/{desk.donor.pk}/merge/", {"other": people.stranger.pk})
    assert response.status_code == 404


def test_an_account_without_a_role_gets_nothing(world, desk):
    client = as_user(world.nina)
    for method, url in [*_urls(desk.donor), ("get", "/donors/"), ("get", "/donors/search/?q=nur")]:
        assert getattr(client, method)(url).status_code in (403, 404), url
    assert client.get("/donors/new/").status_code == 403
    assert client.post("/donors/duplicates/", {"nik": "3171011708450001"}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(world, desk):
    response = Client().get("/donors/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_auditor_reads_but_cannot_register_or_edit(world, desk):
    client = as_user(world.audrey)
    assert client.get("/donors/").status_code == 200
    assert client.get("/donors/new/").status_code == 403
    assert client.post("/donors/new/", {"full_name": "X"}).status_code == 403
    assert client.get(f"/donors/{desk.donor.pk}/edit/").status_code == 403
    assert client.post("/donors/duplicates/", {"full_name": "Nur"}).status_code == 403


def test_the_operator_admin_lists_donors_read_only_without_full_identifiers(world, desk):
    from tests.factories import UserFactory

    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    client = as_user(operator)
    assert "Muhammad Nur Hidayat" in client.get("/operator/donors/donor/").content.decode()
    page = client.get(f"/operator/donors/donor/{desk.donor.pk}/change/").content.decode()
    assert "************0001" in page and "3171011708450001" not in page
    assert as_user(world.alice).get("/operator/donors/donor/").status_code == 302


def test_the_merge_chooser_search_links_each_donor_to_the_comparison(world, desk, people):
    text = (
        as_user(world.alice)
        .get("/donors/search/", {"q": "siti", "mode": "merge", "of": desk.donor.pk}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert f"/donors/{desk.donor.pk}/merge/?other={people.visitor.pk}" in text
    assert "HX-Replace-Url" not in text


def test_a_search_export_is_not_cut_at_one_page(world):
    from satuatap.donors.services import donor_register

    for i in range(30):
        donor_register(actor=world.frank, unit=world.branch_a, full_name=f"Donatur Tetap {i:02d}")
    body = as_user(world.frank).get("/donors/", {"format": "csv", "q": "donatur tetap"}).content.decode()
    assert body.count("Donatur Tetap") == 30


def test_the_statement_with_the_full_npwp_is_issued_only_where_the_donor_belongs(world, desk):
    """Finance of branch A who is front office at branch B: working as A, no statement of a donor
    who registered at B and never gave at A (it prints the full NPWP); as B, they get it."""
    from satuatap.donors.services import donor_register
    from satuatap.organizations.middleware import SESSION_KEY
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    dina = UserFactory(username="dina")
    finance_a = grant(dina, world.branch_a, Role.FINANCE)
    front_b = grant(dina, world.branch_b, Role.FRONT_OFFICE)
    donor_b = donor_register(actor=world.bob, unit=world.branch_b, full_name="Donatur Bakung", npwp="013000666091000")
    give(world.branch_b, donor_b, dina, ("zakat_maal", 1_000_000))
    client = as_user(dina)
    for membership, status in ((finance_a, 403), (front_b, 200)):
        session = client.session
        session[SESSION_KEY] = membership.pk
        session.save()
        response = client.get(f"/donors/{donor_b.pk}/statement/", {"year": desk.day.year})
        assert response.status_code == status
        page = client.get(f"/donors/{donor_b.pk}/").content.decode()
        assert (f"/donors/{donor_b.pk}/statement/" in page) == (status == 200)
    assert AuditEvent.objects.filter(action=AuditAction.DONOR_IDENTIFIERS_VIEWED, actor=dina).count() == 1
