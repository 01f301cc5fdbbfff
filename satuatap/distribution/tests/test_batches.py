from datetime import date

import pytest
from django.http import Http404
from django.utils import timezone

from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.models import AidRecord
from satuatap.beneficiaries.tests.conftest import NIK_SITI, person
from satuatap.core.errors import NotAllowed
from satuatap.distribution import services
from satuatap.distribution.batches import selectors as batch_selectors
from satuatap.distribution.batches import services as batch_services
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import Application, AppStatus, Batch, Disbursement
from satuatap.distribution.tests.test_api import Api
from satuatap.ledger.models import JournalLine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def recipients(world, books):
    """Siti and four more verified people (two fakir, two miskin) of branch A."""
    paula, hana = books.registry.paula, books.registry.hana
    people = [books.siti]
    for n, asnaf in enumerate(["fakir", "fakir", "miskin", "miskin"]):
        p = person(paula, world.branch_a, f"Penerima {n}", asnaf=asnaf, asnaf_reason="survei")
        registry_services.status_change(actor=paula, beneficiary=p, to_status="assessed", reason="x")
        registry_services.status_change(actor=hana, beneficiary=p, to_status="verified", reason="x")
        people.append(p)
    return people


def _prepare(world, books, recipients, amount=300_000):
    rows = [(p, amount, "Paket sembako Ramadan") for p in recipients]
    return batch_services.batch_prepare(
        actor=books.registry.paula, unit=world.branch_a, program=books.program, name="Ramadan", rows=rows
    )


def test_a_batch_is_prepared_approved_once_and_paid_in_one_entry(world, books, recipients):
    batch = _prepare(world, books, recipients)
    assert batch.count == 5 and batch.total == 1_500_000
    assert set(batch.applications.values_list("status", flat=True)) == {AppStatus.RECOMMENDED}
    with pytest.raises(NotAllowed, match="another person"):
        batch_services.batch_decide(actor=books.registry.paula, batch=batch, approve=True)
    batch = batch_services.batch_decide(actor=books.hank, batch=batch, approve=True)
    batch = batch_services.batch_pay(actor=books.fiona, batch=batch, money_account=books.cash)
    assert batch.status == Batch.BatchStatus.PAID
    lines = JournalLine.objects.filter(entry=batch.entry)
    debits = {line.account.code: line.debit for line in lines if line.debit}
    assert debits == {"5101": 900_000, "5102": 600_000}  # fakir x3, miskin x2
    assert sum(line.credit for line in lines) == 1_500_000
    assert AidRecord.objects.filter(beneficiary__in=recipients).count() == 5
    assert set(batch.applications.values_list("status", flat=True)) == {AppStatus.DISBURSED}
    assert all(a.steps.count() == 3 for a in batch.applications.all())
    # Each step is in every application's field history, with who took it.
    history = Application.history.filter(batch_id=batch.pk)
    assert history.count() == 15
    assert set(history.values_list("status", "history_user__username")) == {
        ("recommended", "paula"), ("approved", "hank"), ("disbursed", "fiona"),
    }  # fmt: skip
    assert set(batch.applications.values_list("approved_amount", "paid_amount")) == {(300_000, 300_000)}


def test_a_batch_is_refused_whole_with_every_rows_reason(world, books, recipients):
    recipients[1].asnaf = "gharimin"
    recipients[1].save(update_fields=["asnaf"])
    with pytest.raises(DistributionRefused, match=r"Row 2 \(ALPHA-M\d+\): Zakat of this program") as refused:
        _prepare(world, books, recipients)
    assert refused.value.message_dict == {"rows": [refused.value.messages[0]]}
    assert not Batch.objects.exists() and not Application.objects.exists()
    with pytest.raises(DistributionRefused, match="already in the batch"):
        batch_services.batch_prepare(
            actor=books.registry.paula, unit=world.branch_a, program=books.program, name="Dup",
            rows=[(recipients[0], 1000, "x"), (recipients[0], 1000, "x")],
        )  # fmt: skip
    # A person who stops being eligible after the batch was prepared stops its approval, named by row.
    batch = _prepare(world, books, [recipients[0], recipients[2]])
    recipients[2].asnaf = "gharimin"
    recipients[2].save(update_fields=["asnaf"])
    with pytest.raises(DistributionRefused, match="Row 2"):
        batch_services.batch_decide(actor=books.hank, batch=batch, approve=True)
    assert Batch.objects.get(pk=batch.pk).status == Batch.BatchStatus.PREPARED


def test_a_batch_needs_eligible_open_people_and_sound_amounts(world, books, recipients):
    stranger = person(books.registry.bella, world.branch_b, "Orang Cabang Lain")
    applicant = person(books.registry.paula, world.branch_a, "Belum Diverifikasi", asnaf="fakir", asnaf_reason="x")
    rows = [(recipients[0], 0, "x"), (stranger, 1000, "x"), (applicant, 1000, "x"), (recipients[1], 1000, " ")]
    with pytest.raises(DistributionRefused) as refused:
        batch_services.batch_prepare(
            actor=books.registry.paula, unit=world.branch_a, program=books.program, name="B", rows=rows
        )
    text = " ".join(refused.value.messages)
    assert "Row 1" in text and "positive amount" in text
    assert "Row 2" in text and "not registered in your units" in text
    assert "Row 3" in text and "only verified or active" in text
    assert "Row 4" in text and "describe the need" in text
    assert not Batch.objects.exists()


def test_goods_and_loans_go_one_by_one_not_in_batches(world, books, recipients):
    today = timezone.localdate()
    common = {"pillar": "economy", "fund_kind": "infak", "budget": 10_000_000, "start_date": date(today.year, 1, 1),
              "end_date": date(today.year, 12, 31)}  # fmt: skip
    goods = services.program_save(actor=world.carol, unit=world.branch_a, code="beras", name="Beras", aid_kind="goods",
                                  **common)  # fmt: skip
    loan = services.program_save(actor=world.carol, unit=world.branch_a, code="qard", name="Qardhul hasan",
                                 aid_kind="loan", installments=10, **common)  # fmt: skip
    for program, kind in ((goods, "Goods"), (loan, "Interest-free loan")):
        with pytest.raises(DistributionRefused, match=f"{kind}.* is given one by one") as refused:
            batch_services.batch_prepare(
                actor=books.registry.paula, unit=world.branch_a, program=program, name="X",
                rows=[(recipients[0], 1000, "x")],
            )  # fmt: skip
        assert set(refused.value.message_dict) == {"program"}


def test_a_third_party_batch_names_the_payee_and_the_kind_follows_the_account(world, books, recipients):
    today = timezone.localdate()
    school = services.program_save(
        actor=world.carol, unit=world.branch_a, code="spp", name="Bantuan SPP", pillar="education", fund_kind="infak",
        aid_kind="third_party", budget=10_000_000, start_date=date(today.year, 1, 1), end_date=date(today.year, 12, 31),
    )  # fmt: skip
    batch = batch_services.batch_prepare(
        actor=books.registry.paula, unit=world.branch_a, program=school, name="SPP genap",
        rows=[(p, 200_000, "SPP semester genap") for p in recipients[:3]],
    )  # fmt: skip
    batch = batch_services.batch_decide(actor=books.hank, batch=batch, approve=True)
    with pytest.raises(DistributionRefused, match="Name the school") as refused:
        batch_services.batch_pay(actor=books.fiona, batch=batch, money_account=books.cash)
    assert set(refused.value.message_dict) == {"payee_name"}
    batch = batch_services.batch_pay(
        actor=books.fiona, batch=batch, money_account=books.cash, payee_name="SD Muhammadiyah 1", payee_account="BSI 77"
    )
    paid = Disbursement.objects.filter(application__batch=batch)
    assert paid.count() == 3 and set(paid.values_list("kind", "payee_name")) == {("third_party", "SD Muhammadiyah 1")}
    # A cash program paid from the cash box is cash; the evidence is due next.
    cash = batch_services.batch_decide(actor=books.hank, batch=_prepare(world, books, recipients[3:]), approve=True)
    cash = batch_services.batch_pay(actor=books.fiona, batch=cash, money_account=books.cash)
    assert set(Disbursement.objects.filter(application__batch=cash).values_list("kind", flat=True)) == {"cash"}
    assert all(a.due_on and a.due_on > today for a in cash.applications.all())


def test_a_batch_links_each_persons_latest_assessment_for_a_score_rule(world, books, recipients):
    books.program.min_score = 1
    books.program.save(update_fields=["min_score"])
    with pytest.raises(DistributionRefused, match="Row 2.*need score"):
        _prepare(world, books, recipients[:2])  # Siti is assessed, the second person is not
    batch = _prepare(world, books, recipients[:1])
    siti = batch.applications.get()
    assert siti.assessment == books.siti.assessments.order_by("-assessed_on", "-id").first()
    assert batch_services.batch_decide(actor=books.hank, batch=batch, approve=True).status == Batch.BatchStatus.APPROVED


def test_a_batch_above_the_limit_or_the_fund_goes_no_further(world, books, recipients):
    big = _prepare(world, books, recipients, amount=2_000_000)  # Rp10.000.000 in all
    with pytest.raises(NotAllowed, match="authority limit"):
        batch_services.batch_decide(actor=books.hank, batch=big, approve=True)
    huge = batch_services.batch_prepare(
        actor=books.registry.paula, unit=world.branch_a, program=books.program, name="Besar",
        rows=[(p, 9_000_000, "x") for p in recipients],
    )  # fmt: skip
    with pytest.raises(DistributionRefused, match="available"):
        batch_services.batch_decide(actor=books.rita, batch=huge, approve=True)


def test_fair_share_in_a_batch_needs_one_reason(world, books, recipients):
    paid = batch_services.batch_decide(actor=books.hank, batch=_prepare(world, books, recipients[:1]), approve=True)
    batch_services.batch_pay(actor=books.fiona, batch=paid, money_account=books.cash)
    again = _prepare(world, books, recipients)
    with pytest.raises(FairShareWarning, match="Row 1"):
        batch_services.batch_decide(actor=books.hank, batch=again, approve=True)
    approved = batch_services.batch_decide(
        actor=books.hank, batch=again, approve=True, override_reason="bencana banjir"
    )
    assert approved.override_reason == "bencana banjir"


# --- a list from a spreadsheet -------------------------------------------------------------------


def _read(world, books, text, *, default=None, need="Paket Ramadan", filename="list.csv"):
    return batch_selectors.batch_rows_read(
        actor=books.registry.paula, unit=world.branch_a, program=books.program, content=text.encode(),
        filename=filename, default_amount=default, need=need,
    )  # fmt: skip


def test_a_list_is_read_by_nik_or_number_with_every_problem_by_its_row(world, books, recipients):
    stranger = person(books.registry.bella, world.branch_b, "Orang Cabang Lain")
    lines = [
        "NIK;Nomor;Jumlah;Keterangan",
        f"{NIK_SITI};;300.000;",  # row 2: Siti by NIK
        f";{recipients[1].number.lower()};;Seragam",  # row 3: by number, typed in lower case; default amount
        ";ALPHA-M9999999;100000;",  # row 4: nobody
        f";{stranger.number};100000;",  # row 5: another branch's person
        f"{NIK_SITI};;100000;",  # row 6: Siti again
        f";{recipients[2].number};Rp1.000,50;",  # row 7: cents
        "12345;;100000;",  # row 8: a short NIK
        ";;100000;",  # row 9: nobody named
    ]
    rows, errors = _read(world, books, "\n".join(lines), default=250_000)
    assert [(r.row, r.person, r.amount, r.need) for r in rows] == [
        (2, recipients[0], 300_000, "Paket Ramadan"),
        (3, recipients[1], 250_000, "Seragam"),
    ]  # row 6 (Siti again) is refused
    found = {e.row: e.message for e in errors}
    assert sorted(found) == [4, 5, 6, 7, 8, 9]
    assert "no person with this number" in found[4] and "no person with this number" in found[5]
    assert "already in the batch" in found[6]
    assert "whole rupiah" in found[7]
    assert "16 digits" in found[8] and "NIK or the beneficiary number" in found[9]
    shown = {e.row: e.value for e in errors}
    assert NIK_SITI not in shown[6] and shown[6].startswith(NIK_SITI[:4])
    assert [e.name for e in errors if e.row == 6] == ["Hj. Siti Aminah"]
    assert not Batch.objects.exists()


def test_a_list_without_amounts_needs_a_default_and_an_unreadable_file_is_refused(world, books, recipients):
    rows, errors = _read(world, books, f"Beneficiary number\n{recipients[0].number}\n")
    assert rows == [] and [(e.row, e.message) for e in errors] == [
        (2, "no amount, and the batch has no default amount.")
    ]
    with pytest.raises(DistributionRefused, match="NIK or Beneficiary number") as refused:
        _read(world, books, "Nama;Jumlah\nSiti;1000\n")
    assert set(refused.value.message_dict) == {"file"}
    with pytest.raises(DistributionRefused, match="Excel"):
        _read(world, books, "x", filename="list.pdf")
    with pytest.raises(DistributionRefused, match="no rows"):
        _read(world, books, "NIK;Jumlah\n")


def test_batches_are_read_within_the_users_units(world, books, recipients):
    batch = _prepare(world, books, recipients[:2])
    assert list(batch_selectors.batches_for(books.hank)) == [batch]
    assert list(batch_selectors.batches_for(world.bob)) == [] and list(batch_selectors.batches_for(world.eve)) == []
    with pytest.raises(Http404):
        batch_selectors.batch_for(world.bob, batch.pk)
    assert batch_selectors.batch_for(books.rita, batch.pk) == batch


# --- a batch's applications go only with the batch ---------------------------------------------------


def test_an_application_of_a_batch_is_not_decided_or_paid_on_its_own(world, books, recipients):
    batch = _prepare(world, books, recipients, amount=300_000)
    first = batch.applications.order_by("pk").first()
    with pytest.raises(DistributionRefused, match="part of a batch"):
        services.application_decide(actor=books.hank, application=first, approve=False, note="tidak layak")
    batch = batch_services.batch_decide(actor=books.hank, batch=batch, approve=True)
    with pytest.raises(DistributionRefused, match="part of a batch"):
        services.disbursement_pay(actor=books.fiona, application=first, amount=300_000, money_account=books.cash)
    assert not Disbursement.objects.filter(application=first).exists()
    batch = batch_services.batch_pay(actor=books.fiona, batch=batch, money_account=books.cash)
    first.refresh_from_db()
    assert first.paid_amount == first.approved_amount == 300_000
    assert Disbursement.objects.filter(application=first).count() == 1


def test_a_batch_whose_application_was_moved_on_alone_stops_whole(world, books, recipients):
    """Applications moved before this rule existed (or by hand): the batch refuses to go on rather
    than approve a rejected one or pay one twice."""
    batch = _prepare(world, books, recipients, amount=300_000)
    first = batch.applications.order_by("pk").first()
    Application.objects.filter(pk=first.pk).update(status=AppStatus.REJECTED)
    with pytest.raises(DistributionRefused, match="moved on one by one"):
        batch_services.batch_decide(actor=books.hank, batch=batch, approve=True)
    assert Application.objects.get(pk=first.pk).status == AppStatus.REJECTED
    Application.objects.filter(pk=first.pk).update(status=AppStatus.RECOMMENDED)
    batch = batch_services.batch_decide(actor=books.hank, batch=batch, approve=True)
    Application.objects.filter(pk=first.pk).update(paid_amount=300_000)
    with pytest.raises(DistributionRefused, match="moved on one by one"):
        batch_services.batch_pay(actor=books.fiona, batch=batch, money_account=books.cash)
    assert not Disbursement.objects.exists()
    assert Batch.objects.get(pk=batch.pk).status == Batch.BatchStatus.APPROVED


def test_a_batch_is_not_paid_to_a_person_no_longer_eligible(world, books, recipients):
    batch = batch_services.batch_decide(actor=books.hank, batch=_prepare(world, books, recipients), approve=True)
    recipients[2].asnaf = "gharimin"  # after the approval, before the payment
    recipients[2].save(update_fields=["asnaf"])
    with pytest.raises(DistributionRefused, match=r"Row 3 .*Zakat of this program goes only to"):
        batch_services.batch_pay(actor=books.fiona, batch=batch, money_account=books.cash)
    assert Batch.objects.get(pk=batch.pk).status == Batch.BatchStatus.APPROVED
    assert not Disbursement.objects.exists()


def test_the_application_page_of_a_batch_member_offers_no_decision_or_payment(client, world, books, recipients):
    batch = _prepare(world, books, recipients, amount=300_000)
    first = batch.applications.order_by("pk").first()
    client.force_login(books.hank)
    page = client.get(f"/distribution/applications/{first.pk}/").content.decode()
    assert 'data-testid="in-batch"' in page and f"/distribution/batches/{batch.pk}/" in page
    assert 'name="approve-amount"' not in page
    response = client.post(
        f"/distribution/applications/{first.pk}/decide/", {"decision": "reject", "reject-note": "tidak layak"}
    )
    assert "part of a batch" in response.content.decode()
    assert Application.objects.get(pk=first.pk).status == AppStatus.RECOMMENDED
    # The API says the same.
    refused = Api(books.hank).post(f"/applications/{first.pk}/decide", {"approve": False, "note": "tidak layak"})
    assert refused.status_code == 400 and "part of a batch" in str(refused.json()["error"])
    assert Application.objects.get(pk=first.pk).status == AppStatus.RECOMMENDED
