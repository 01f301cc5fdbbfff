"""Demo programs, applications at every stage, a loan, the goods stock, and restricted infak."""

from django.contrib.auth import get_user_model


def distribution_create(admin, staff, units):
    """A zakat food-aid program of the Pati office, authority limits, and applications of the
    verified people at every stage: one paid, one approved, one waiting for the head."""
    from datetime import date

    from django.utils import timezone

    from satuatap.beneficiaries.models import Beneficiary, Status
    from satuatap.distribution import services as distribution
    from satuatap.ledger.services import cash_account
    from satuatap.organizations.models import Role

    today = timezone.localdate()
    distribution.authority_limit_set(actor=admin, unit=units["regency_a"], role=Role.HEAD, max_amount=10_000_000)
    distribution.authority_limit_set(actor=admin, unit=units["root"], role=Role.HEAD, max_amount=500_000_000)
    program = distribution.program_save(
        actor=admin,
        unit=units["regency_a"],
        code="sembako-pati",
        name="Santunan sembako Pati",
        pillar="humanitarian",
        fund_kind="zakat",
        asnaf=["fakir", "miskin"],
        budget=60_000_000,
        target_people=120,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
        once_per_months=3,
    )
    people = Beneficiary.objects.filter(status=Status.ACTIVE).order_by("pk")[:3]
    officer, head, finance = staff["program"], staff["kepala"], staff["keuangan"]
    for n, person in enumerate(people):
        application = distribution.application_submit(
            actor=officer,
            unit=person.registered_unit,
            program=program,
            beneficiary=person,
            need="Paket sembako dan uang belanja bulan ini",
            requested_amount=350_000,
        )
        application = distribution.application_screen(actor=officer, application=application, note="Berkas lengkap")
        application = distribution.application_assess(actor=officer, application=application)
        application = distribution.application_recommend(
            actor=officer, application=application, amount=300_000, note="Sesuai hasil asesmen"
        )
        if n == 2:
            continue  # waiting for the head
        application = distribution.application_decide(actor=head, application=application, approve=True)
        if n == 0:
            distribution.disbursement_pay(
                actor=finance,
                application=application,
                amount=300_000,
                money_account=cash_account(application.unit),
                reference="Tunai di kantor",
            )
    distribution_more_create(admin, staff, units, people)


def distribution_more_create(admin, staff, units, people):
    """A scholarship open to online applications, an interest-free loan paid and partly repaid,
    and rice bought into the stock of the Pati office."""
    from datetime import date

    from django.utils import timezone

    from satuatap.distribution import services as distribution
    from satuatap.distribution.loans import services as loans
    from satuatap.distribution.stock import services as stock
    from satuatap.ledger.services import cash_account

    today = timezone.localdate()
    officer, head, finance = staff["program"], staff["kepala"], staff["keuangan"]
    year = {"start_date": date(today.year, 1, 1), "end_date": date(today.year, 12, 31)}
    distribution.program_save(
        actor=admin,
        unit=units["regency_a"],
        code="beasiswa-pati",
        name="Beasiswa pelajar dhuafa",
        pillar="education",
        fund_kind="zakat",
        asnaf=["fakir", "miskin", "fisabilillah"],
        budget=40_000_000,
        target_people=40,
        required_documents=["ktp", "kk"],
        is_public=True,
        **year,
    )
    loan_program = distribution.program_save(
        actor=admin,
        unit=units["regency_a"],
        code="modal-usaha-pati",
        name="Pinjaman modal usaha mikro",
        pillar="economy",
        fund_kind="zakat",
        asnaf=["fakir", "miskin", "gharimin"],
        aid_kind="loan",
        installments=10,
        budget=30_000_000,
        **year,
    )
    person = people[1]
    application = distribution.application_submit(
        actor=officer,
        unit=person.registered_unit,
        program=loan_program,
        beneficiary=person,
        need="Modal gerobak bakso",
        requested_amount=1_000_000,
    )
    application = distribution.application_screen(actor=officer, application=application, note="Lengkap")
    application = distribution.application_assess(actor=officer, application=application)
    application = distribution.application_recommend(actor=officer, application=application, amount=1_000_000)
    application = distribution.application_decide(
        actor=head, application=application, approve=True, override_reason="Program berbeda, kebutuhan usaha"
    )
    cash = cash_account(application.unit)
    paid = distribution.disbursement_pay(
        actor=finance, application=application, amount=1_000_000, money_account=cash, reference="Tunai"
    )
    loans.loan_repay(actor=finance, loan=paid.loan, amount=100_000, money_account=cash, reference="Angsuran 1")
    rice = stock.stock_item_save(actor=admin, unit=units["regency_a"], name="Beras premium", measure="kg")
    stock.stock_purchase(
        actor=finance,
        unit=person.registered_unit,
        item=rice,
        fund_kind="zakat",
        quantity=100,
        value=1_500_000,
        money_account=cash,
        note="Beras untuk paket sembako",
    )
    restricted_infak_create(admin, staff, units, people[0])


def restricted_infak_create(admin, staff, units, person):
    """Infak restricted to an orphan program of the Pati office: a campaign raising for it,
    gifts at the Juwana counter (for the program and for the campaign), and one payment from it,
    so the fund positions, the programs page and the counter show one pot per program."""
    from datetime import date, timedelta

    from django.utils import timezone

    from satuatap.collection import services as collection
    from satuatap.collection.services import DonationLineSpec
    from satuatap.distribution import services as distribution
    from satuatap.donors.models import Donor
    from satuatap.ledger.services import cash_account

    today = timezone.localdate()
    officer, head, finance = staff["program"], staff["kepala"], staff["keuangan"]
    year = {"start_date": date(today.year, 1, 1), "end_date": date(today.year, 12, 31)}
    program = distribution.program_save(
        actor=admin,
        unit=units["regency_a"],
        code="santunan-yatim",
        name="Santunan Anak Yatim",
        description="Uang sekolah dan kebutuhan bulanan anak yatim dari infak yang diberikan khusus untuk mereka.",
        pillar="social_dawah",
        fund_kind="infak_restricted",
        budget=25_000_000,
        target_people=50,
        **year,
    )
    campaign = collection.campaign_save(
        actor=finance,
        unit=units["regency_a"],
        code="ramadan-ceria-yatim",
        name="Ramadan Ceria Anak Yatim",
        description="Galang dana untuk program Santunan Anak Yatim.",
        target=20_000_000,
        program=program.code,
        **year,
    )
    branch = units["branch_a1"]
    amil = get_user_model().objects.get(username="amil")
    donors = list(Donor.objects.filter(institution=units["root"]).order_by("pk")[:5])
    gifts = [
        ({"program": program.restriction}, 1_000_000),
        ({"program": program.restriction}, 500_000),
        ({"campaign": campaign.pk}, 2_500_000),
        ({"campaign": campaign.pk}, 750_000),
        ({"program": program.restriction}, 250_000),
    ]
    for n, (donor, (purpose, amount)) in enumerate(zip(donors, gifts, strict=True)):
        collection.donation_record(
            actor=amil,
            unit=branch,
            donor=donor,
            donation_date=max(today - timedelta(days=10 - 2 * n), date(today.year, 1, 1)),
            channel="cash",
            lines=[DonationLineSpec("infak", amount, **purpose)],
            idempotency_key=f"demo:yatim:{n}",
        )
    application = distribution.application_submit(
        actor=officer,
        unit=person.registered_unit,
        program=program,
        beneficiary=person,
        need="Biaya sekolah anak yatim dalam keluarga ini",
        requested_amount=750_000,
    )
    application = distribution.application_screen(actor=officer, application=application, note="Berkas lengkap")
    application = distribution.application_assess(actor=officer, application=application)
    application = distribution.application_recommend(actor=officer, application=application, amount=750_000)
    application = distribution.application_decide(
        actor=head,
        application=application,
        approve=True,
        override_reason="Santunan anak yatim dari infak khusus, di luar paket sembako",
    )
    distribution.disbursement_pay(
        actor=finance,
        application=application,
        amount=750_000,
        money_account=cash_account(application.unit),
        reference="Tunai di kantor",
    )
