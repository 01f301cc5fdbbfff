"""The distribution pages: the applications list, taking an application at the counter, one
application and its workflow forms, programs, authority limits and disbursements; and who may
not see or do what."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from satuatap.beneficiaries.models import AidRecord
from satuatap.distribution import services
from satuatap.distribution.models import Application, AppStatus, AuthorityLimit, Disbursement, Program
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account
from tests.scoping import response_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def text_of(response) -> str:
    text = response_text(response)
    return text.decode() if isinstance(text, bytes) else text


def url(application, action="") -> str:
    return f"/distribution/applications/{application.pk}/" + (f"{action}/" if action else "")


def approved(world, books, amount=1_000_000):
    return services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, amount), approve=True
    )


@pytest.fixture
def secret_app(world, books):
    """An application of branch B: SECRET in the person's name, the program's name and the need."""
    today = timezone.localdate()
    program = services.program_save(
        actor=world.bob, unit=world.branch_b, code="secret-b", name="SECRET Program Bakung", pillar="humanitarian",
        fund_kind="infak", budget=1_000_000, start_date=date(today.year, 1, 1), end_date=date(today.year, 12, 31),
    )  # fmt: skip
    return services.application_submit(
        actor=books.registry.bella,
        unit=world.branch_b,
        program=program,
        beneficiary=books.registry.secret,
        need="SECRET need",
        requested_amount=100_000,
    )


# --- the list ---------------------------------------------------------------------------------------------


def test_the_list_counts_per_status_filters_and_flags_overdue(world, books, django_assert_max_num_queries):
    first = apply_and_recommend(world, books, 700_000)
    second = services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=books.siti,
        need="Biaya sekolah", requested_amount=300_000,
    )  # fmt: skip
    Application.objects.filter(pk=second.pk).update(due_on=date(2020, 1, 1))
    client = as_user(world.frank)
    with django_assert_max_num_queries(14):
        response = client.get("/distribution/")
    html = text_of(response)
    assert response.status_code == 200
    assert first.tracking_code in html and second.tracking_code in html
    counts = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"": 2, "submitted": 1, "recommended": 1, **{s: 0 for s in ("screened", "assessed", "approved",
                      "rejected", "disbursed", "evidenced", "followed_up")}}  # fmt: skip
    assert 'data-testid="overdue"' in html
    only_recommended = text_of(client.get("/distribution/?status=recommended"))
    assert first.tracking_code in only_recommended and second.tracking_code not in only_recommended
    overdue = text_of(client.get("/distribution/?overdue=1"))
    assert second.tracking_code in overdue and first.tracking_code not in overdue
    other_program = text_of(client.get("/distribution/?program=987654321&status=bogus"))
    assert first.tracking_code not in other_program
    by_name = text_of(client.get("/distribution/?q=siti"))
    assert first.tracking_code in by_name


def test_the_list_exports_csv_and_xlsx(world, books):
    application = apply_and_recommend(world, books, 700_000)
    client = as_user(world.frank)
    csv = client.get("/distribution/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert application.tracking_code in text_of(csv) and "Hj. Siti Aminah" in text_of(csv)
    xlsx = client.get("/distribution/?format=xlsx")
    assert application.tracking_code in text_of(xlsx) and "700000" in text_of(xlsx)


def test_outsiders_see_nothing_of_branch_a_and_branch_a_nothing_of_theirs(world, books, secret_app):
    own = apply_and_recommend(world, books)
    for user in (world.frank, world.audrey, books.hank):
        client = as_user(user)
        for page in ("/distribution/", "/distribution/?format=csv", "/distribution/programs/",
                     "/distribution/disbursements/", "/distribution/?q=Bakung"):  # fmt: skip
            assert "SECRET" not in text_of(client.get(page)), page
        response = client.get(url(secret_app))
        assert response.status_code == 404 and b"SECRET" not in response.content
    for outsider in (world.bob, world.eve, books.registry.bella):
        client = as_user(outsider)
        assert client.get(url(own)).status_code == 404
        assert own.tracking_code not in text_of(client.get("/distribution/"))
        for action in ("screen", "assess", "recommend", "decide", "pay"):
            assert client.post(url(own, action), {"decide-amount": "1"}).status_code == 404
    own.refresh_from_db()
    assert own.status == AppStatus.RECOMMENDED


# --- taking an application ------------------------------------------------------------------------------


def test_front_office_finds_the_person_and_takes_an_application(world, books):
    client = as_user(world.frank)
    found = client.get("/distribution/applications/people/", {"q": "Siti"})
    assert "Hj. Siti Aminah" in text_of(found) and f"?beneficiary={books.siti.pk}" in text_of(found)
    assert "SECRET" not in text_of(client.get("/distribution/applications/people/", {"q": "SECRET"}))
    page = client.get(f"/distribution/applications/new/?beneficiary={books.siti.pk}&program={books.program.pk}")
    html = text_of(page)
    assert "Hj. Siti Aminah" in html and "3318••••••••0003" in html and "3318015205800003" not in html
    assert page.context["form"]["program"].value() == books.program.pk
    response = client.post(
        "/distribution/applications/new/",
        {
            "beneficiary": books.siti.pk,
            "program": books.program.pk,
            "need": "Beras dan minyak",
            "requested_amount": "Rp 750.000",
            "channel": "counter",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == url(application)
    assert application.requested_amount == 750_000 and application.unit == world.branch_a
    assert application.created_by == world.frank and application.status == AppStatus.SUBMITTED


def test_bad_input_on_a_new_application_is_shown_and_nothing_is_saved(world, books, secret_app):
    client = as_user(world.frank)
    base = {"beneficiary": books.siti.pk, "program": books.program.pk, "need": "x", "channel": "counter"}
    response = client.post("/distribution/applications/new/", {**base, "requested_amount": "1,5 juta"})
    assert response.status_code == 200 and "Enter an amount in rupiah" in text_of(response)
    response = client.post("/distribution/applications/new/", {**base, "need": "", "requested_amount": "100000"})
    assert "Describe the need." in text_of(response)
    # Another branch's person or program cannot be named, whatever the form is sent with.
    response = client.post(
        "/distribution/applications/new/", {**base, "beneficiary": books.registry.secret.pk, "requested_amount": "1"}
    )
    assert "Choose the person from the registry first." in text_of(response) and "SECRET" not in text_of(response)
    response = client.post(
        "/distribution/applications/new/", {**base, "program": secret_app.program_id, "requested_amount": "1"}
    )
    assert "Choose a program from the list." in text_of(response) and "SECRET" not in text_of(response)
    # A closed program: the service's refusal lands next to the program field.
    Program.objects.filter(pk=books.program.pk).update(end_date=date(2020, 12, 31), start_date=date(2020, 1, 1))
    response = client.post("/distribution/applications/new/", {**base, "requested_amount": "100000"})
    assert response.status_code == 200 and "Choose a program from the list." in text_of(response)
    assert Application.objects.filter(unit=world.branch_a).count() == 0
    unknown = client.get("/distribution/applications/new/?beneficiary=987654321")
    assert unknown.status_code == 200 and "not in your registry" in text_of(unknown)


def test_a_program_of_the_region_takes_applications_at_its_branches(world, books, secret_app):
    today = timezone.localdate()
    region_program = services.program_save(
        actor=books.rita, unit=world.region, code="sembako-wilayah", name="Sembako wilayah", pillar="humanitarian",
        fund_kind="infak", budget=5_000_000, start_date=date(today.year, 1, 1), end_date=date(today.year, 12, 31),
    )  # fmt: skip
    client = as_user(world.frank)
    page = client.get(f"/distribution/applications/new/?beneficiary={books.siti.pk}")
    assert set(page.context["form"].fields["program"].queryset) == {books.program, region_program}
    response = client.post(
        "/distribution/applications/new/",
        {"beneficiary": books.siti.pk, "program": region_program.pk, "need": "Sembako", "requested_amount": "200000",
         "channel": "referral", "referrer_name": "Pak RT 03"},
    )  # fmt: skip
    assert response.status_code == 302
    listed = client.get(f"/distribution/?program={region_program.pk}")
    choices = set(listed.context["programs"])
    assert region_program in choices and secret_app.program not in choices
    assert Application.objects.get(program=region_program).tracking_code in text_of(listed)


def test_roles_that_do_not_take_applications_are_refused(world, books):
    for user in (world.audrey, books.fiona, books.hank):
        assert as_user(user).get("/distribution/applications/new/").status_code == 403
        assert as_user(user).post("/distribution/applications/new/", {"beneficiary": books.siti.pk}).status_code == 403
    assert Application.objects.count() == 0


# --- one application and its steps ----------------------------------------------------------------------


def test_the_program_officer_screens_assesses_and_recommends(world, books):
    application = services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=books.siti,
        need="Kebutuhan pangan", requested_amount=900_000,
    )  # fmt: skip
    paula = as_user(books.registry.paula)
    page = paula.get(url(application))
    html = text_of(page)
    assert 'id="action-screen"' in html and "3318••••••••0003" in html and f"/beneficiaries/{books.siti.pk}/" in html
    assert 'data-testid="eligible"' in html
    assert paula.post(url(application, "screen"), {"screen-note": "lengkap"}).status_code == 302
    assert 'id="action-assess"' in text_of(paula.get(url(application)))
    assert paula.post(url(application, "assess"), {"assess-note": ""}).status_code == 302
    page = text_of(paula.get(url(application)))
    assert 'id="action-recommend"' in page and 'data-testid="score"' in page
    bad = paula.post(url(application, "recommend"), {"recommend-amount": "", "recommend-note": "layak"})
    assert bad.status_code == 200 and "Enter the amount." in text_of(bad)
    response = paula.post(url(application, "recommend"), {"recommend-amount": "850.000", "recommend-note": "layak"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == AppStatus.RECOMMENDED and application.recommended_amount == 850_000
    page = text_of(paula.get(url(application)))
    # paula recommended: she may approve by role, never her own recommendation.
    assert 'data-testid="own-recommendation"' in page and 'id="action-decide"' not in page
    assert "Cabang Anggrek" in page  # who approves
    assert paula.post(url(application, "decide"), {"approve-amount": "850000"}).status_code == 403
    steps = text_of(paula.get(url(application)))
    for status in ("Submitted", "Screened", "Assessed", "Recommended"):
        assert status in steps


def test_screening_can_reject_with_a_reason_and_a_wrong_step_is_a_message(world, books):
    application = services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=books.siti,
        need="x", requested_amount=100_000,
    )  # fmt: skip
    paula = as_user(books.registry.paula)
    response = paula.post(url(application, "screen"), {"screen-note": "", "decision": "reject"})
    assert response.status_code == 200 and "Give the reason for rejecting." in text_of(response)
    assert paula.post(url(application, "recommend"), {"recommend-amount": "1"}).status_code == 200
    response = paula.post(url(application, "assess"), {})
    assert response.status_code == 200 and "this step is not possible now" in text_of(response)
    paula.post(url(application, "screen"), {"screen-note": "bukan fakir", "decision": "reject"})
    application.refresh_from_db()
    assert application.status == AppStatus.REJECTED
    assert 'id="action-' not in text_of(paula.get(url(application)))


def test_the_approver_sees_the_fair_share_warning_before_deciding_and_overrides_with_a_reason(
    world, books, django_assert_max_num_queries
):
    services.disbursement_pay(actor=books.fiona, application=approved(world, books, 500_000), amount=500_000,
                              money_account=books.cash)  # fmt: skip
    again = apply_and_recommend(world, books, 600_000)
    hank = as_user(books.hank)
    with django_assert_max_num_queries(16):
        page = text_of(hank.get(url(again)))
    assert 'data-testid="warnings"' in page and "once in 6 months" in page
    assert 'name="approve-override_reason"' in page and "Your authority limit here: Rp" in page
    assert "Santunan sembako" in page  # the aid history shows the earlier help
    response = hank.post(url(again, "decide"), {"decision": "approve", "approve-amount": "600.000"})
    assert response.status_code == 200
    assert "once in 6 months" in text_of(response) and 'id="id_approve-override_reason_error"' in text_of(response)
    again.refresh_from_db()
    assert again.status == AppStatus.RECOMMENDED
    response = hank.post(
        url(again, "decide"),
        {"decision": "approve", "approve-amount": "600.000", "approve-override_reason": "rumah terbakar"},
    )
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.status == AppStatus.APPROVED and again.override_reason == "rumah terbakar"


def test_an_amount_above_the_approvers_limit_names_who_approves_and_is_refused(world, books):
    big = apply_and_recommend(world, books, 8_000_000)
    hank = as_user(books.hank)
    page = text_of(hank.get(url(big)))
    assert "is above it: an approver at Wilayah Satu decides" in page
    response = hank.post(url(big, "decide"), {"decision": "approve", "approve-amount": "8.000.000"})
    assert response.status_code == 403 and "authority limit" in text_of(response)
    rejected = hank.post(url(big, "decide"), {"decision": "reject", "reject-note": ""})
    assert rejected.status_code == 200 and "Give the reason for rejecting." in text_of(rejected)
    assert hank.post(url(big, "decide"), {"decision": "reject", "reject-note": "di luar program"}).status_code == 302
    big.refresh_from_db()
    assert big.status == AppStatus.REJECTED


def test_finance_pays_from_the_units_cash_and_the_aid_history_shows_it(world, books):
    application = approved(world, books, 1_000_000)
    fiona = as_user(books.fiona)
    page = text_of(fiona.get(url(application)))
    assert 'id="action-pay"' in page and books.cash.name in page
    # Only finance pays: the head who approved may not.
    assert as_user(books.hank).post(url(application, "pay"), {"pay-amount": "1"}).status_code == 403
    other_cash = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_b.pk))
    today = timezone.localdate().isoformat()
    response = fiona.post(
        url(application, "pay"),
        {"pay-amount": "400.000", "pay-money_account": other_cash.pk, "pay-paid_on": today},
    )
    assert response.status_code == 200 and "Choose the cash or bank account" in text_of(response)
    response = fiona.post(
        url(application, "pay"),
        {"pay-amount": "2.000.000", "pay-money_account": books.cash.pk, "pay-paid_on": today},
    )
    assert response.status_code == 200 and "left to pay" in text_of(response)
    assert Disbursement.objects.count() == 0
    response = fiona.post(
        url(application, "pay"),
        {
            "pay-amount": "1.000.000",
            "pay-money_account": books.cash.pk,
            "pay-paid_on": today,
            "pay-reference": "KW-001",
        },
    )
    assert response.status_code == 302
    paid = Disbursement.objects.get()
    application.refresh_from_db()
    assert application.status == AppStatus.DISBURSED and paid.reference == "KW-001"
    assert AidRecord.objects.get(beneficiary=books.siti).amount == 1_000_000
    page = text_of(fiona.get(url(application)))
    assert f"/ledger/entries/{paid.entry_id}/" in page and "Rp1.000.000" in page


# --- programs -----------------------------------------------------------------------------------------


def program_form(**overrides):
    today = timezone.localdate()
    data = {
        "code": "beasiswa",
        "name": "Beasiswa yatim",
        "pillar": "education",
        "fund_kind": "zakat",
        "asnaf": ["fakir", "miskin"],
        "aid_kind": "third_party",
        "budget": "25.000.000",
        "target_people": "40",
        "start_date": date(today.year, 1, 1).isoformat(),
        "end_date": date(today.year, 12, 31).isoformat(),
        "min_score": "50",
        "once_per_months": "",
        "household_yearly_cap": "Rp 3.000.000",
        "step_days": "5",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_programs_list_the_budget_used(world, books):
    application = approved(world, books, 1_200_000)
    services.disbursement_pay(actor=books.fiona, application=application, amount=200_000, money_account=books.cash)
    response = as_user(world.frank).get("/distribution/programs/")
    program = next(p for p in response.context["page"] if p.pk == books.program.pk)
    assert (program.committed, program.paid, program.left) == (1_200_000, 200_000, 98_800_000)
    assert "Rp98.800.000" in text_of(response)
    assert 'data-testid="new-program"' not in text_of(response)  # front office does not configure
    xlsx = text_of(as_user(world.frank).get("/distribution/programs/?format=xlsx"))
    assert "Santunan sembako" in xlsx and "1200000" in xlsx


def test_the_head_creates_and_changes_a_program_and_bad_input_is_shown(world, books):
    hana = as_user(books.registry.hana)
    page = text_of(hana.get("/distribution/programs/new/"))
    assert 'id="program-asnaf"' in page and 'id="program-asnaf" hidden' not in page  # zakat comes first
    switched = hana.get("/distribution/programs/new/", {"fund_kind": "infak"}, HTTP_HX_REQUEST="true")
    assert 'id="program-asnaf" hidden' in text_of(switched)
    switched = hana.get("/distribution/programs/new/", {"fund_kind": "zakat"}, HTTP_HX_REQUEST="true")
    assert 'id="program-asnaf"' in text_of(switched) and 'id="program-asnaf" hidden' not in text_of(switched)
    response = hana.post("/distribution/programs/new/", program_form(unit=world.branch_a.pk, asnaf=[]))
    assert response.status_code == 200 and "names the asnaf it may help" in text_of(response)
    response = hana.post("/distribution/programs/new/", program_form(unit=world.branch_a.pk, budget="lima juta"))
    assert "Enter an amount in rupiah" in text_of(response)
    response = hana.post("/distribution/programs/new/", program_form(unit=world.branch_b.pk))
    assert response.status_code == 200 and "Choose a unit from the list." in text_of(response)
    response = hana.post("/distribution/programs/new/", program_form(unit=world.branch_a.pk))
    assert response.status_code == 302
    program = Program.objects.get(code="beasiswa")
    assert program.unit == world.branch_a and program.asnaf == ["fakir", "miskin"]
    assert program.budget == 25_000_000 and program.household_yearly_cap == 3_000_000 and program.min_score == 50
    edit = f"/distribution/programs/{program.pk}/edit/"
    assert "Beasiswa yatim" in text_of(hana.get(edit))
    response = hana.post(edit, program_form(fund_kind="infak", budget="30.000.000", name="Beasiswa"))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.fund_kind == "infak" and program.asnaf == [] and program.budget == 30_000_000
    # Front office may read programs but not change them; another branch does not see them at all.
    assert as_user(world.frank).get(edit).status_code == 403
    for outsider in (world.bob, world.eve):
        response = as_user(outsider).post(edit, program_form(name="SECRET takeover"))
        assert response.status_code == 404
    program.refresh_from_db()
    assert program.name == "Beasiswa"


# --- authority limits and disbursements ---------------------------------------------------------------------


def test_the_head_sets_and_removes_authority_limits_in_scope(world, books):
    hana = as_user(books.registry.hana)
    page = hana.get("/distribution/limits/")
    html = text_of(page)
    assert page.status_code == 200 and "<strong>Rp5.000.000</strong>" in html  # branch A's own
    assert "Rp5.000.000 ↑" in html  # what its service unit inherits
    assert "SECRET" not in html
    response = hana.post(
        "/distribution/limits/", {"unit": world.branch_a_sub.pk, "role": "program", "max_amount": "1.000.000"}
    )
    assert response.status_code == 302
    assert AuthorityLimit.objects.get(unit=world.branch_a_sub, role="program").max_amount == 1_000_000
    bad = hana.post("/distribution/limits/", {"unit": world.branch_a.pk, "role": "front_office", "max_amount": "1"})
    assert bad.status_code == 200 and "Choose a role that approves." in text_of(bad)
    bad = hana.post("/distribution/limits/", {"unit": world.branch_b.pk, "role": "head", "max_amount": "1"})
    assert bad.status_code == 200 and "Choose a unit from the list." in text_of(bad)
    hana.post("/distribution/limits/", {"unit": world.branch_a_sub.pk, "role": "program", "max_amount": ""})
    assert not AuthorityLimit.objects.filter(unit=world.branch_a_sub).exists()
    for user in (world.frank, world.audrey):
        assert as_user(user).get("/distribution/limits/").status_code == 403
        assert as_user(user).post("/distribution/limits/", {"unit": world.branch_a.pk}).status_code == 403


def test_disbursements_list_links_the_journal_entry_for_finance_and_exports(world, books, secret_app):
    application = approved(world, books, 300_000)
    paid = services.disbursement_pay(
        actor=books.fiona, application=application, amount=300_000, money_account=books.cash
    )
    page = text_of(as_user(books.fiona).get("/distribution/disbursements/"))
    assert application.tracking_code in page and f"/ledger/entries/{paid.entry_id}/" in page
    front = text_of(as_user(world.frank).get("/distribution/disbursements/"))
    assert application.tracking_code in front and f"/ledger/entries/{paid.entry_id}/" not in front
    assert application.tracking_code not in text_of(as_user(world.bob).get("/distribution/disbursements/"))
    later = text_of(as_user(books.fiona).get("/distribution/disbursements/?start=2099-01-01&end=bogus"))
    assert application.tracking_code not in later
    csv = text_of(as_user(books.fiona).get("/distribution/disbursements/?format=csv"))
    assert application.tracking_code in csv and "300000" in csv and "SECRET" not in csv
