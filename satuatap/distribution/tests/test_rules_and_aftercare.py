"""Program rules (the institution's pillars, regions served, required documents), referrals,
payments to a third party, and the steps after the payment: evidence complete, follow-up."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.beneficiaries import services as registry_services
from satuatap.core.errors import NotAllowed
from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Application, AppStatus, Disbursement, Program
from satuatap.distribution.selectors import overdue_q
from satuatap.distribution.services import evidence_add
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.distribution.tests.test_views import approved, as_user, text_of, url
from satuatap.ledger.errors import AccountRefused
from satuatap.ledger.models import Account, AccountRole, JournalLine
from satuatap.ledger.selectors import pillars_of
from satuatap.ledger.services import pillar_save
from tests.scoping_beneficiaries import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def _program(world, books, **changes) -> Program:
    fields = {
        "code": books.program.code,
        "name": books.program.name,
        "pillar": books.program.pillar,
        "fund_kind": books.program.fund_kind,
        "asnaf": books.program.asnaf,
        "budget": books.program.budget,
        "start_date": books.program.start_date,
        "end_date": books.program.end_date,
        "once_per_months": None,
        **changes,
    }
    return services.program_save(actor=world.carol, unit=world.branch_a, program=books.program, **fields)


def _pay(world, books, application, **extra) -> Disbursement:
    return services.disbursement_pay(
        actor=books.fiona,
        application=application,
        amount=application.approved_amount,
        money_account=books.cash,
        **extra,
    )


# --- pillars ----------------------------------------------------------------------------------------


def test_an_institution_adds_its_own_pillar_with_distribution_accounts_and_a_program_books_to_it(world, books):
    assert [code for code, _name in pillars_of(world.alpha.pk)][:2] == ["education", "health"]
    pillar = pillar_save(actor=world.carol, institution=world.branch_a, code="dakwah-digital", name="Dakwah digital")
    assert pillar.institution == world.alpha
    codes = [code for code, _name in pillars_of(world.alpha.pk)]
    assert codes[-1] == "dakwah-digital" and "education" in codes  # the standard ones were copied in first
    accounts = Account.objects.filter(institution=world.alpha, role=AccountRole.DISTRIBUTION, pillar="dakwah-digital")
    assert sorted(accounts.values_list("fund_kind", flat=True)) == ["dskl", "infak", "infak_restricted"]
    infak_account = accounts.get(fund_kind="infak")
    assert infak_account.code == "5207" and "Dakwah digital" in infak_account.name
    program = services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="literasi",
        name="Literasi digital",
        pillar="dakwah-digital",
        fund_kind="infak",
        budget=5_000_000,
        start_date=books.program.start_date,
        end_date=books.program.end_date,
    )
    assert program.get_pillar_display() == "Dakwah digital"
    application = apply_and_recommend(world, books, 400_000, program=program)
    application = services.application_decide(actor=books.hank, application=application, approve=True)
    paid = _pay(world, books, application)
    assert JournalLine.objects.filter(entry=paid.entry, account=infak_account, debit=400_000).exists()


def test_a_closed_pillar_takes_no_new_program_and_only_finance_or_admin_of_the_institution_sets_pillars(world, books):
    pillar_save(actor=world.carol, institution=world.alpha, code="environment", name="Lingkungan", is_active=False)
    assert "environment" not in dict(pillars_of(world.alpha.pk))
    with pytest.raises(DistributionRefused, match="pillar"):
        services.program_save(
            actor=world.carol,
            unit=world.branch_a,
            code="hijau",
            name="Hijau",
            pillar="environment",
            fund_kind="infak",
            budget=1,
            start_date=books.program.start_date,
            end_date=books.program.end_date,
        )
    with pytest.raises(NotAllowed):
        pillar_save(actor=books.hank, institution=world.alpha, code="baru", name="Baru")
    with pytest.raises(AccountRefused, match="code"):
        pillar_save(actor=world.carol, institution=world.alpha, code="Bad Code!", name="x")


def test_the_pillars_page_lists_and_saves_for_the_institutions_finance_only(world, books):
    page = as_user(world.carol).get("/distribution/pillars/")
    assert page.status_code == 200 and "Humanitarian" in text_of(page) and 'data-testid="pillar-form"' in text_of(page)
    response = as_user(world.carol).post(
        "/distribution/pillars/", {"code": "zakat-produktif", "name": "", "is_active": "on"}
    )
    assert response.status_code == 200 and "Name the pillar." in text_of(response)
    response = as_user(world.carol).post(
        "/distribution/pillars/", {"code": "zakat-produktif", "name": "Zakat produktif", "is_active": "on"}
    )
    assert response.status_code == 302 and "zakat-produktif" in dict(pillars_of(world.alpha.pk))
    hank_page = as_user(books.hank).get("/distribution/pillars/")
    assert hank_page.status_code == 200 and 'data-testid="pillar-form"' not in text_of(hank_page)
    assert as_user(books.hank).post("/distribution/pillars/", {"code": "x", "name": "X"}).status_code == 403
    assert "x" not in dict(pillars_of(world.alpha.pk))


# --- regions and documents --------------------------------------------------------------------------


def test_the_program_helps_only_people_living_in_its_regions(world, books):
    _program(world, books, regions=["Kabupaten Kudus", "Kota Semarang"])
    application = apply_and_recommend(world, books, 500_000)
    with pytest.raises(DistributionRefused, match="serves Kabupaten Kudus, Kota Semarang; Hj. Siti Aminah lives in"):
        services.application_decide(actor=books.hank, application=application, approve=True)
    _program(world, books, regions=["KAB. PATI"])  # Siti lives in Pati: the kind and the case do not matter
    decided = services.application_decide(actor=books.hank, application=application, approve=True)
    assert decided.status == AppStatus.APPROVED


def test_a_decision_waits_for_the_required_documents(world, books):
    _program(world, books, required_documents=["ktp", "certificate"])
    application = apply_and_recommend(world, books, 500_000)
    with pytest.raises(
        DistributionRefused,
        match=r"Documents still missing for this program: Certificate or letter \(SKTM, medical, school\), KTP",
    ):
        services.application_decide(actor=books.hank, application=application, approve=True)
    application.refresh_from_db()
    assert application.status == AppStatus.RECOMMENDED and application.need  # the application keeps its data
    for kind in ("ktp", "certificate"):
        registry_services.document_add(
            actor=books.registry.paula, beneficiary=books.siti, kind=kind, upload=SimpleUploadedFile("d.png", PNG)
        )
    assert services.application_decide(actor=books.hank, application=application, approve=True).approved_amount


def test_program_rules_are_checked_when_saved(world, books):
    with pytest.raises(DistributionRefused, match="documents from the list"):
        _program(world, books, required_documents=["passport"])
    with pytest.raises(DistributionRefused, match="installments"):
        _program(world, books, aid_kind="loan", installments=0)
    program = _program(world, books, aid_kind="loan", fund_kind="infak", asnaf=[], installments=12, is_public=True)
    assert program.installments == 12 and program.is_public
    assert _program(world, books, aid_kind="cash").installments is None


# --- referrals and third parties --------------------------------------------------------------------


def test_a_referral_names_who_sent_the_person(world, books):
    client = as_user(world.frank)
    form = {
        "beneficiary": books.siti.pk,
        "program": books.program.pk,
        "need": "Dirujuk puskesmas",
        "requested_amount": "500.000",
        "channel": "referral",
    }
    response = client.post("/distribution/applications/new/", form)
    assert response.status_code == 200 and "Name the person or partner" in text_of(response)
    assert not Application.objects.exists()
    response = client.post(
        "/distribution/applications/new/",
        {
            **form,
            "referrer_name": "Bidan Rina",
            "referrer_organisation": "Puskesmas Kayen",
            "referrer_phone": "0812 1111 2222",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302 and application.channel == "referral"
    assert application.referrer_phone == "+6281211112222" and application.referrer_organisation == "Puskesmas Kayen"
    assert "Bidan Rina · Puskesmas Kayen" in text_of(client.get(url(application)))
    response = client.post("/distribution/applications/new/", {**form, "referrer_name": "X", "referrer_phone": "12"})
    assert response.status_code == 200 and "phone number" in text_of(response)


def test_a_third_party_is_paid_on_the_persons_behalf(world, books):
    _program(world, books, aid_kind="third_party")
    application = approved(world, books, 600_000)
    with pytest.raises(DistributionRefused, match="Name the school, hospital or shop"):
        _pay(world, books, application)
    response = as_user(books.fiona).post(
        url(application, "pay"),
        {
            "pay-amount": "600.000",
            "pay-money_account": books.cash.pk,
            "pay-paid_on": timezone.localdate().isoformat(),
            "pay-payee_name": "RSUD RAA Soewondo",
            "pay-payee_account": "BPD Jateng 1-234-56789",
        },
    )
    assert response.status_code == 302
    paid = Disbursement.objects.get()
    assert paid.kind == "third_party" and paid.payee_name == "RSUD RAA Soewondo"
    assert "to RSUD RAA Soewondo" in text_of(as_user(books.fiona).get(url(application)))


def test_goods_programs_are_not_paid_in_money(world, books):
    _program(world, books, aid_kind="goods")
    application = approved(world, books, 300_000)
    with pytest.raises(DistributionRefused, match="from the stock"):
        _pay(world, books, application)
    assert 'id="action-pay"' not in text_of(as_user(books.fiona).get(url(application)))


# --- after the payment ------------------------------------------------------------------------------


def test_evidence_then_follow_up_close_the_application_and_each_is_due_in_time(world, books):
    application = approved(world, books, 500_000)
    _pay(world, books, application)
    application.refresh_from_db()
    today = timezone.localdate()
    assert application.status == AppStatus.DISBURSED and application.due_on == today + timedelta(days=7)
    late = today + timedelta(days=8)
    assert Application.objects.filter(overdue_q(late)).filter(pk=application.pk).exists()  # evidence overdue
    with pytest.raises(DistributionRefused, match="at least one piece of evidence"):
        services.application_evidence_complete(actor=books.registry.paula, application=application)
    evidence_add(
        actor=books.registry.paula, application=application, kind="photo", upload=SimpleUploadedFile("s.png", PNG)
    )
    paula = as_user(books.registry.paula)
    assert 'data-testid="evidence-complete"' in text_of(paula.get(url(application)))
    response = paula.post(url(application, "evidence-complete"), {"evidence_complete-note": "foto serah terima"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == AppStatus.EVIDENCED and application.due_on == today + timedelta(days=7)
    response = paula.post(url(application, "follow-up"), {"follow_up-on": today.isoformat(), "follow_up-note": ""})
    assert response.status_code == 200 and "Say what the follow-up found." in text_of(response)
    future = (today + timedelta(days=1)).isoformat()
    response = paula.post(url(application, "follow-up"), {"follow_up-on": future, "follow_up-note": "ok"})
    assert response.status_code == 200 and "future" in text_of(response)
    response = paula.post(
        url(application, "follow-up"), {"follow_up-on": today.isoformat(), "follow_up-note": "Beras sudah dipakai"}
    )
    application.refresh_from_db()
    assert response.status_code == 302 and application.status == AppStatus.FOLLOWED_UP
    assert application.followed_up_on == today and application.due_on is None
    steps = [s.to_status for s in application.steps.all()]
    assert steps[-3:] == ["disbursed", "evidenced", "followed_up"]
    assert not Application.objects.filter(overdue_q(late)).exists()


def test_outsiders_cannot_take_the_steps_after_payment(world, books):
    application = approved(world, books, 500_000)
    _pay(world, books, application)
    bella = as_user(books.registry.bella)  # program officer of branch B
    assert bella.post(url(application, "evidence-complete"), {}).status_code == 404
    assert bella.post(url(application, "follow-up"), {}).status_code == 404
    assert as_user(world.frank).post(url(application, "evidence-complete"), {}).status_code == 403
    application.refresh_from_db()
    assert application.status == AppStatus.DISBURSED
