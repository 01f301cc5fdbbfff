"""Who acts next: every application, batch and ledger draft says which role of which unit takes its
next step and whether the reader may; each user's work list ("Pekerjaan saya", /kerja/ and
GET /api/v1/me/work) holds what waits for their roles within the active unit's subtree."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.core.work import waiting_for
from satuatap.distribution import services
from satuatap.distribution.models import Application
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account
from satuatap.organizations.middleware import SESSION_KEY
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def as_user(user, membership=None):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    if membership is not None:
        session = client.session
        session[SESSION_KEY] = membership.pk
        session.save()
    return client


def next_text(client, application) -> str:
    page = client.get(f"/distribution/applications/{application.pk}/").content.decode()
    start = page.index('data-testid="next-actor"')
    return " ".join(page[start : page.index("</div>", start)].split())


def submitted(world, books, amount=1_000_000):
    return services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=books.siti,
        need="Kebutuhan pangan", requested_amount=amount,
    )  # fmt: skip


def test_each_stage_names_who_acts_next_and_whether_the_reader_may(world, books):
    paula, frank, fiona, hank = books.registry.paula, world.frank, books.fiona, books.hank
    application = submitted(world, books)
    text = next_text(as_user(paula), application)
    assert "Program officer of Cabang Anggrek — screen the application." in text
    assert "You can do this now." in text
    assert "Your role cannot do this step." in next_text(as_user(frank), application)

    application = services.application_screen(actor=paula, application=application)
    assert "Program officer of Cabang Anggrek — link the person&#x27;s assessment." in next_text(
        as_user(paula), application
    )
    application = services.application_assess(actor=paula, application=application)
    assert "Program officer of Cabang Anggrek — recommend an amount." in next_text(as_user(paula), application)

    application = services.application_recommend(actor=paula, application=application, amount=1_000_000)
    text = next_text(as_user(paula), application)
    assert "Office head of Cabang Anggrek — approve or reject." in text
    assert "You recommended it; another person approves it." in text
    assert "You can do this now." in next_text(as_user(hank), application)

    application = services.application_decide(actor=hank, application=application, approve=True)
    text = next_text(as_user(paula), application)
    assert "Finance of Cabang Anggrek — pay the approved amount." in text
    assert "Your role cannot do this step." in text
    assert "You can do this now." in next_text(as_user(fiona), application)


def test_an_amount_above_the_branch_limit_names_the_higher_office(world, books):
    application = apply_and_recommend(world, books, amount=8_000_000)
    text = next_text(as_user(books.hank), application)
    assert "Office head of Wilayah Satu — approve or reject." in text
    assert "The amount is above your authority limit." in text
    assert "You can do this now." in next_text(as_user(books.rita), application)


def test_a_rejected_application_waits_for_nobody(world, books):
    application = services.application_screen(
        actor=books.registry.paula, application=submitted(world, books), note="tidak lengkap", reject=True
    )
    page = as_user(books.registry.paula).get(f"/distribution/applications/{application.pk}/")
    assert b'data-testid="next-actor"' not in page.content


def titles(user, unit) -> list[str]:
    return [item.title for item in waiting_for(user, unit)]


def test_the_work_list_holds_what_waits_for_each_role(world, books):
    paula, hank, fiona = books.registry.paula, books.hank, books.fiona
    waiting = submitted(world, books)
    recommended = apply_and_recommend(world, books, amount=500_000)
    approved = services.application_decide(
        actor=hank, application=apply_and_recommend(world, books, amount=700_000), approve=True
    )
    cash = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_a.pk))
    draft = ledger.manual_entry_draft(
        actor=fiona, unit=world.branch_a, entry_date=timezone.localdate(), memo="Beli beras",
        lines=[ledger.LineSpec("1300", "zakat", debit=10_000), ledger.LineSpec(cash.code, "zakat", credit=10_000)],
    )  # fmt: skip

    program_work = titles(paula, world.branch_a)
    assert [t for t in program_work if t.startswith(waiting.tracking_code)]
    assert not [t for t in program_work if t.startswith((recommended.tracking_code, approved.tracking_code))]
    head_work = titles(hank, world.branch_a)
    assert [t for t in head_work if t.startswith(recommended.tracking_code)]
    assert [t for t in head_work if t.startswith(f"#{draft.pk} ")]
    assert not [t for t in head_work if t.startswith(waiting.tracking_code)]
    finance_work = titles(fiona, world.branch_a)
    assert [t for t in finance_work if t.startswith(approved.tracking_code)]
    assert not [t for t in finance_work if t.startswith(f"#{draft.pk} ")]  # never one's own draft
    assert titles(world.frank, world.branch_a) == []


def test_the_work_list_is_scoped_to_the_active_unit(world, books):
    waiting = submitted(world, books)
    bella = books.registry.bella  # program officer of the sibling branch B
    assert titles(bella, world.branch_b) == []
    page = as_user(bella).get("/kerja/")
    assert page.status_code == 200 and waiting.tracking_code.encode() not in page.content
    # Someone with roles on both branches sees branch A's work only while branch A is active.
    both = UserFactory(username="both")
    on_a, on_b = grant(both, world.branch_a, Role.PROGRAM), grant(both, world.branch_b, Role.PROGRAM)
    assert waiting.tracking_code.encode() in as_user(both, on_a).get("/kerja/").content
    assert waiting.tracking_code.encode() not in as_user(both, on_b).get("/kerja/").content


def test_the_work_page_and_its_menu_entry(world, books):
    waiting = submitted(world, books)
    Application.objects.filter(pk=waiting.pk).update(due_on=timezone.localdate().replace(year=2020))
    client = as_user(books.registry.paula)
    home = client.get("/").content.decode()
    assert 'href="/kerja/"' in home and "My work" in home
    page = client.get("/kerja/").content.decode()
    assert waiting.tracking_code in page and "Screen the application" in page
    assert 'data-testid="overdue-count"' in page
    sheet = client.get("/kerja/?format=csv").content.decode()
    assert waiting.tracking_code in sheet and "yes" in sheet


def test_the_api_lists_the_work_of_the_token_holder(world, books):
    waiting = submitted(world, books)
    headers = {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=books.registry.paula, name="t")[1]}
    response = Client().get("/api/v1/me/work", **headers)
    assert response.status_code == 200, response.content
    [item] = [i for i in response.json() if i["title"].startswith(waiting.tracking_code)]
    assert item["url"] == f"/distribution/applications/{waiting.pk}/"
    assert item["unit_name"] == "Cabang Anggrek" and item["overdue"] is False
    assert Client().get(f"/api/v1/me/work?unit_id={world.branch_b.pk}", **headers).status_code == 404
    assert Client().get(f"/api/v1/me/work?unit_id={2**64}", **headers).status_code in (404, 422)
    assert Client().get("/api/v1/me/work?limit=0", **headers).status_code == 422
    assert len(Client().get(f"/api/v1/me/work?limit=1&unit_id={world.branch_a.pk}", **headers).json()) == 1
    bella = {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=books.registry.bella, name="t")[1]}
    assert Client().get("/api/v1/me/work", **bella).json() == []


def test_an_overdue_loan_waits_for_finance(world, books):
    from datetime import date

    from satuatap.distribution.tests.test_loans import lend

    year = timezone.localdate().year
    program = services.program_save(
        actor=world.carol, unit=world.branch_a, code="qardh", name="Pinjaman modal usaha", pillar="economy",
        fund_kind="infak", aid_kind="loan", installments=10, budget=50_000_000,
        start_date=date(year, 1, 1), end_date=date(year, 12, 31),
    )  # fmt: skip
    loan = lend(world, books, program, amount=1_000_000, paid_on=date(year - 1, 1, 31))
    [item] = [i for i in waiting_for(books.fiona, world.branch_a) if i.url == f"/distribution/loans/{loan.pk}/"]
    assert item.overdue and "late repayment" in item.action
    assert not [i for i in waiting_for(books.registry.paula, world.branch_a) if "/loans/" in i.url]


def test_a_batch_and_a_ledger_draft_say_who_acts_next(world, books):
    from satuatap.distribution.batches import services as batch_services

    paula, hank, fiona = books.registry.paula, books.hank, books.fiona
    batch = batch_services.batch_prepare(
        actor=paula, unit=world.branch_a, program=books.program, name="Ramadan",
        rows=[(books.siti, 300_000, "Paket Ramadan")],
    )  # fmt: skip
    page = as_user(paula).get(f"/distribution/batches/{batch.pk}/").content.decode()
    assert "Office head of Cabang Anggrek — approve or reject." in page
    assert "You prepared it; another person approves it." in page
    assert [i for i in waiting_for(hank, world.branch_a) if i.url == f"/distribution/batches/{batch.pk}/"]
    batch_services.batch_decide(actor=hank, batch=batch, approve=True)
    page = as_user(fiona).get(f"/distribution/batches/{batch.pk}/").content.decode()
    assert "Finance of Cabang Anggrek — pay the batch." in page and "You can do this now." in page

    cash = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_a.pk))
    draft = ledger.manual_entry_draft(
        actor=fiona, unit=world.branch_a, entry_date=timezone.localdate(), memo="Beli beras",
        lines=[ledger.LineSpec("1300", "zakat", debit=10_000), ledger.LineSpec(cash.code, "zakat", credit=10_000)],
    )  # fmt: skip
    page = as_user(fiona).get(f"/ledger/entries/{draft.pk}/").content.decode()
    assert "Office head of Cabang Anggrek — approve the draft, which posts it." in page
    assert "another person must approve it." in page
    assert "You can do this now." in as_user(hank).get(f"/ledger/entries/{draft.pk}/").content.decode()
