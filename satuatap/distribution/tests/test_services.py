from datetime import date

import pytest
from django.utils import timezone

from satuatap.beneficiaries.models import AidRecord
from satuatap.core.errors import NotAllowed
from satuatap.distribution import selectors, services
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import AppStatus
from satuatap.distribution.tests.conftest import apply_and_recommend, fund
from satuatap.ledger.models import JournalLine
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_the_whole_way_from_application_to_payment(world, books):
    application = apply_and_recommend(world, books, 1_500_000)
    assert application.status == AppStatus.RECOMMENDED and application.assessment is not None
    application = services.application_decide(actor=books.hank, application=application, approve=True)
    assert application.status == AppStatus.APPROVED and application.approved_amount == 1_500_000
    zakat = fund_of(world.alpha.pk, "zakat")
    before = fund_available(world.branch_a, zakat)
    paid = services.disbursement_pay(
        actor=books.fiona, application=application, amount=1_500_000, money_account=books.cash
    )
    application.refresh_from_db()
    assert application.status == AppStatus.DISBURSED and application.paid_amount == 1_500_000
    assert fund_available(world.branch_a, zakat) == before - 1_500_000
    lines = JournalLine.objects.filter(entry=paid.entry)
    assert {(line.account.code, line.debit, line.credit) for line in lines} == {
        ("5101", 1_500_000, 0),  # zakat distributed to the fakir asnaf
        (books.cash.code, 0, 1_500_000),
    }
    aid = AidRecord.objects.get(beneficiary=books.siti)
    assert aid.amount == 1_500_000 and aid.program == "Santunan sembako" and aid.unit == world.branch_a
    steps = [s.to_status for s in application.steps.all()]
    assert steps == ["submitted", "screened", "assessed", "recommended", "approved", "disbursed"]


def test_nobody_approves_their_own_recommendation_or_beyond_their_limit(world, books):
    application = apply_and_recommend(world, books, 1_000_000)
    with pytest.raises(NotAllowed, match="another person"):
        services.application_decide(actor=books.registry.paula, application=application, approve=True)
    big = apply_and_recommend(world, books, 8_000_000)
    with pytest.raises(NotAllowed, match="Wilayah Satu"):
        services.application_decide(actor=books.hank, application=big, approve=True)
    approved = services.application_decide(actor=books.rita, application=big, approve=True)
    assert approved.status == AppStatus.APPROVED
    assert selectors.approver_unit(world.branch_a, 60_000_000) is None


def test_zakat_only_to_the_programs_asnaf_and_to_verified_people(world, books):
    application = apply_and_recommend(world, books)
    books.siti.asnaf = "gharimin"
    books.siti.save(update_fields=["asnaf"])
    with pytest.raises(DistributionRefused, match="goes only to"):
        services.application_decide(actor=books.hank, application=application, approve=True)
    books.siti.asnaf, books.siti.status = "fakir", "applicant"
    books.siti.save(update_fields=["asnaf", "status"])
    with pytest.raises(DistributionRefused, match="only verified or active"):
        services.application_decide(actor=books.hank, application=application, approve=True)


def test_no_approval_without_the_money_and_no_payment_above_the_approval(world, books):
    application = apply_and_recommend(world, books, 4_000_000)
    program = services.program_save(
        actor=world.carol, unit=world.branch_a, code="modal", name="Modal usaha", pillar="economy", fund_kind="infak",
        budget=10_000_000, start_date=books.program.start_date, end_date=books.program.end_date,
    )  # fmt: skip
    poor_fund = apply_and_recommend(world, books, 4_000_000, program=program)
    with pytest.raises(DistributionRefused, match="available"):
        services.application_decide(actor=books.hank, application=poor_fund, approve=True)
    application = services.application_decide(actor=books.hank, application=application, approve=True)
    with pytest.raises(DistributionRefused, match="left to pay"):
        services.disbursement_pay(
            actor=books.fiona, application=application, amount=4_000_001, money_account=books.cash
        )
    services.disbursement_pay(actor=books.fiona, application=application, amount=1_000_000, money_account=books.cash)
    application.refresh_from_db()
    assert application.status == AppStatus.APPROVED and application.left_to_pay == 3_000_000


def test_fair_share_rule_warns_and_an_override_needs_a_reason(world, books):
    first = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 500_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=first, amount=500_000, money_account=books.cash)
    again = apply_and_recommend(world, books, 500_000)
    with pytest.raises(FairShareWarning, match="once in 6 months"):
        services.application_decide(actor=books.hank, application=again, approve=True)
    approved = services.application_decide(
        actor=books.hank, application=again, approve=True, override_reason="rumah terbakar"
    )
    assert approved.override_reason == "rumah terbakar"
    assert "overridden" in approved.steps.get(to_status="approved").note


def test_rejection_needs_a_reason_and_a_payment_needs_the_finance_role(world, books):
    application = apply_and_recommend(world, books)
    with pytest.raises(DistributionRefused, match="reason"):
        services.application_decide(actor=books.hank, application=application, approve=False)
    application = services.application_decide(actor=books.hank, application=application, approve=True)
    with pytest.raises(NotAllowed):
        services.disbursement_pay(actor=books.hank, application=application, amount=1, money_account=books.cash)
    with pytest.raises(DistributionRefused, match="future"):
        services.disbursement_pay(
            actor=books.fiona,
            application=application,
            amount=1,
            money_account=books.cash,
            paid_on=date(timezone.localdate().year + 1, 1, 1),
        )


def test_program_rules(world, books):
    base = {
        "code": "beasiswa", "name": "Beasiswa", "pillar": "education", "budget": 1_000_000,
        "start_date": books.program.start_date, "end_date": books.program.end_date,
    }  # fmt: skip
    with pytest.raises(DistributionRefused, match="names the asnaf"):
        services.program_save(actor=world.carol, unit=world.branch_a, fund_kind="zakat", **base)
    with pytest.raises(DistributionRefused, match="amil share"):
        services.program_save(actor=world.carol, unit=world.branch_a, fund_kind="zakat", asnaf=["amil"], **base)
    with pytest.raises(DistributionRefused, match="already has this code"):
        services.program_save(actor=world.carol, unit=world.branch_a, fund_kind="infak", **{**base, "code": "sembako"})
    with pytest.raises(NotAllowed):
        services.program_save(actor=world.frank, unit=world.branch_a, fund_kind="infak", **base)


def test_a_programs_fund_and_restricted_code_stay_once_money_or_applications_ride_on_them(world, books):
    program = books.program  # zakat, with no application yet
    fields = {
        "code": program.code, "name": program.name, "pillar": program.pillar, "fund_kind": program.fund_kind,
        "asnaf": program.asnaf, "budget": program.budget, "start_date": program.start_date,
        "end_date": program.end_date,
    }  # fmt: skip
    changed = services.program_save(
        actor=world.carol, unit=world.branch_a, program=program, **{**fields, "name": "Santunan sembako Ramadan"}
    )
    assert changed.name == "Santunan sembako Ramadan"  # other fields still change freely
    apply_and_recommend(world, books, 300_000)
    with pytest.raises(DistributionRefused, match="already has applications") as refused:
        services.program_save(
            actor=world.carol, unit=world.branch_a, program=program, **{**fields, "fund_kind": "infak", "asnaf": []}
        )
    assert set(refused.value.message_dict) == {"fund_kind"}
    program.refresh_from_db()
    assert program.fund_kind == "zakat"
    # A restricted-infak program with money given for it, and no application yet.
    restricted = {**fields, "code": "sumur", "name": "Sumur bor", "fund_kind": "infak_restricted", "asnaf": []}
    well = services.program_save(actor=world.carol, unit=world.branch_a, **restricted)
    fund(world.branch_a, 2_000_000, fund_kind="infak_restricted", account="4310", restriction=well.restriction)
    with pytest.raises(DistributionRefused, match="already given for this program") as refused:
        services.program_save(
            actor=world.carol, unit=world.branch_a, program=well, **{**restricted, "fund_kind": "infak"}
        )
    assert set(refused.value.message_dict) == {"fund_kind"}
    # Its code may change: the money is held under the program itself, which keeps it.
    renamed = services.program_save(
        actor=world.carol, unit=world.branch_a, program=well, **{**restricted, "code": "sumur-2"}
    )
    assert renamed.code == "sumur-2" and renamed.restriction == f"program:{well.pk}"
    assert fund_available(world.branch_a, fund_of(world.alpha.pk, "infak_restricted"), renamed.restriction) == 2_000_000


def test_nobody_sets_the_authority_limit_of_a_role_they_hold_there(world, books):
    big = apply_and_recommend(world, books, 8_000_000)
    with pytest.raises(NotAllowed, match="above your authority limit"):
        services.application_decide(actor=books.hank, application=big, approve=True)
    # hank is head of branch A: the head's limit there would be his own.
    with pytest.raises(NotAllowed, match="would be your own"):
        services.authority_limit_set(actor=books.hank, unit=world.branch_a, role=Role.HEAD, max_amount=10**12)
    assert selectors.approval_limit(books.hank, world.branch_a) == 5_000_000
    with pytest.raises(NotAllowed):
        services.application_decide(actor=books.hank, application=big, approve=True)
    # He may set the limit of a role he does not hold, and the institution's admin may set his.
    services.authority_limit_set(actor=books.hank, unit=world.branch_a, role=Role.PROGRAM, max_amount=1_000_000)
    services.authority_limit_set(actor=world.carol, unit=world.branch_a, role=Role.HEAD, max_amount=10_000_000)
    assert selectors.approval_limit(books.hank, world.branch_a) == 10_000_000
    # At the institution's top office its own administrators set the limits: nobody is above them.
    services.authority_limit_set(actor=world.carol, unit=world.alpha, role=Role.ADMIN, max_amount=100_000_000)
