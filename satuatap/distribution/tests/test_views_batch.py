"""The batch pages: the list, a new batch from the picker or from a spreadsheet (checked before
anything is saved), the batch page with its checks, the approval and the payment, and outsiders.

Personas: paula = program officer of branch A, hank = head of branch A (approves up to Rp5.000.000),
fiona = finance of branch A, frank = front office, audrey = auditor of branch A, bob = admin of
branch B, eve = admin of BETA.
"""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.tests.conftest import NIK_SITI, person
from satuatap.distribution.batches import services as batch_services
from satuatap.distribution.models import Application, AppStatus, Batch
from satuatap.ledger.models import JournalEntry
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

NEW = reverse("distribution:batch_new")


@pytest.fixture
def people(world, books):
    """Siti and three more verified people of branch A (fakir, miskin, and a gharimin the zakat
    program may not help)."""
    paula, hana = books.registry.paula, books.registry.hana
    found = [books.siti]
    for name, asnaf in (("Penerima Satu", "fakir"), ("Penerima Dua", "miskin"), ("Penerima Gharim", "gharimin")):
        p = person(paula, world.branch_a, name, asnaf=asnaf, asnaf_reason="survei", regency="Pati")
        registry_services.status_change(actor=paula, beneficiary=p, to_status="assessed", reason="x")
        registry_services.status_change(actor=hana, beneficiary=p, to_status="verified", reason="x")
        found.append(p)
    return found


def _batch(world, books, people, amount=300_000, name="Ramadan"):
    return batch_services.batch_prepare(
        actor=books.registry.paula,
        unit=world.branch_a,
        program=books.program,
        name=name,
        rows=[(p, amount, "Paket Ramadan") for p in people],
    )


def _fields(books, **changes):
    return {"name": "Paket Ramadan RW 03", "program": books.program.pk, "need": "Paket sembako", **changes}


# --- the picker ---------------------------------------------------------------------------------------------


def test_a_program_officer_picks_people_and_prepares_a_batch(world, books, people, login):
    client = login(books.registry.paula)
    page = client.get(NEW).content.decode()
    assert 'data-testid="results"' in page and "Penerima Satu" in page and "Penerima Gharim" in page
    found = client.post(NEW, {"action": "search", "q": "Penerima Satu", **_fields(books)}).content.decode()
    assert "Penerima Satu" in found and "Penerima Dua" not in found and "Name the batch" not in found
    # Tick two people: one with an amount of their own, one taking the amount per person.
    kept = client.post(
        NEW,
        {"action": "search", "q": "", "pick": [people[1].pk, people[2].pk], f"amount-{people[1].pk}": "450.000",
         **_fields(books)},
    ).content.decode()  # fmt: skip
    assert 'data-testid="chosen"' in kept and 'value="450.000"' in kept
    response = client.post(
        NEW,
        {"action": "save", "pick": [people[1].pk, people[2].pk], f"amount-{people[1].pk}": "450.000",
         f"amount-{people[2].pk}": "", **_fields(books, default_amount="200.000")},
    )  # fmt: skip
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("distribution:batch", args=[batch.pk])
    assert (batch.count, batch.total, batch.prepared_by) == (2, 650_000, books.registry.paula)
    amounts = dict(batch.applications.values_list("beneficiary_id", "recommended_amount"))
    assert amounts == {people[1].pk: 450_000, people[2].pk: 200_000}


def test_the_picker_shows_each_persons_problem_and_saves_nothing(world, books, people, login):
    client = login(books.registry.paula)
    page = client.post(
        NEW, {"action": "save", "pick": [people[0].pk, people[3].pk], **_fields(books, default_amount="100000")}
    ).content.decode()
    assert "Some recipients cannot be in this batch" in page
    assert page.count('data-testid="row-error"') == 1 and "Zakat of this program goes only to" in page
    assert not Batch.objects.exists()
    # No amount and no amount per person: said next to the person.
    page = client.post(NEW, {"action": "save", "pick": [people[0].pk], **_fields(books)}).content.decode()
    assert "Enter the amount, or an amount per person" in page and not Batch.objects.exists()
    page = client.post(NEW, {"action": "save", **_fields(books, default_amount="1000")}).content.decode()
    assert "Tick at least one person." in page
    # "Add all shown" ticks everyone found.
    page = client.post(NEW, {"action": "all", "q": "Penerima", **_fields(books)}).content.decode()
    assert page.count('name="pick"') == 3 and 'data-testid="no-results"' in page


def test_goods_and_loan_programs_are_not_offered_for_batches(world, books, login):
    from datetime import date

    from django.utils import timezone

    from satuatap.distribution import services

    today = timezone.localdate()
    services.program_save(
        actor=world.carol, unit=world.branch_a, code="beras", name="Beras sekarung", pillar="economy",
        fund_kind="infak", aid_kind="goods", budget=1_000_000, start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )  # fmt: skip
    page = login(books.registry.paula).get(NEW).content.decode()
    assert "Santunan sembako" in page and "Beras sekarung" not in page


# --- from a spreadsheet ---------------------------------------------------------------------------------------


def _csv(text, name="daftar.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_imported_list_shows_every_problem_by_row_before_anything_is_saved(world, books, people, login):
    client = login(books.registry.paula)
    bad = "\n".join(["NIK;Nomor;Jumlah", f"{NIK_SITI};;300000", ";ALPHA-M9999999;100000", f";{people[3].number};1000"])
    page = client.post(NEW, {"mode": "import", "file": _csv(bad), **_fields(books)}).content.decode()
    assert 'data-testid="import-errors"' in page and "2 problems in the list" in page
    assert "No person with this number in your registry" in page and "Zakat of this program goes only to" in page
    assert '<td class="text-end">3</td>' in page and '<td class="text-end">4</td>' in page
    assert 'data-testid="confirm"' not in page and not Batch.objects.exists()
    good = "\n".join(["NIK;Nomor;Jumlah", f"{NIK_SITI};;300000", f";{people[1].number};", f";{people[2].number};"])
    page = client.post(
        NEW, {"mode": "import", "file": _csv(good), **_fields(books, default_amount="150000")}
    ).content.decode()
    assert 'data-testid="import-rows"' in page and "3 rows can go in the batch, Rp600.000 in all." in page
    assert not Batch.objects.exists()
    payload = page.split('name="payload" value="')[1].split('"')[0]
    response = client.post(NEW, {"mode": "import", "action": "save", "payload": payload})
    batch = Batch.objects.get()
    assert response.status_code == 302 and (batch.count, batch.total, batch.name) == (3, 600_000, "Paket Ramadan RW 03")
    assert set(batch.applications.values_list("need", flat=True)) == {"Paket sembako"}


def test_a_checked_list_cannot_be_changed_or_saved_by_someone_else(world, books, people, login):
    client = login(books.registry.paula)
    good = f"NIK;Jumlah\n{NIK_SITI};300000\n"
    page = client.post(NEW, {"mode": "import", "file": _csv(good), **_fields(books)}).content.decode()
    payload = page.split('name="payload" value="')[1].split('"')[0]
    tampered = client.post(NEW, {"mode": "import", "action": "save", "payload": payload[:-3] + "abc"}, follow=True)
    assert "expired or was changed" in tampered.content.decode() and not Batch.objects.exists()
    pia = UserFactory(username="pia")  # another program officer of the same branch: the list is paula's
    grant(pia, world.branch_a, "program")
    refused = login(pia).post(NEW, {"mode": "import", "action": "save", "payload": payload}, follow=True)
    assert "expired or was changed" in refused.content.decode() and not Batch.objects.exists()


def test_a_file_that_is_not_a_list_is_refused_next_to_the_file(world, books, login):
    client = login(books.registry.paula)
    page = client.post(
        NEW, {"mode": "import", "file": _csv("Nama;Jumlah\nSiti;1000\n"), **_fields(books)}
    ).content.decode()
    assert "The file needs a column NIK or Beneficiary number" in page and 'data-testid="preview"' not in page
    template = client.get(reverse("distribution:batch_template"))
    assert template.status_code == 200
    header = next(load_workbook(BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header == ("NIK", "Beneficiary number", "Amount", "Need")


# --- the list and one batch -------------------------------------------------------------------------------


def test_the_list_shows_the_batches_of_the_unit_with_exports(world, books, people, login):
    batch = _batch(world, books, people[:2])
    client = login(books.hank)
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("distribution:batches")).content.decode()
    _batch(world, books, people[2:3], name="Kedua")
    _batch(world, books, people[1:2], name="Ketiga")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("distribution:batches"))
    assert len(more) == len(few)  # no query per batch
    assert "Ramadan" in page and "Rp600.000" in page and f'data-testid="batch-{batch.pk}"' in page
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("distribution:batches") + f"?format={fmt}").status_code == 200
    assert "Ramadan" not in login(world.bob).get(reverse("distribution:batches")).content.decode()


def test_the_approver_sees_each_recipients_checks_and_approves_with_a_reason(world, books, people, login):
    first = batch_services.batch_decide(
        actor=books.hank, batch=_batch(world, books, people[:1], name="Awal"), approve=True
    )
    batch_services.batch_pay(actor=books.fiona, batch=first, money_account=books.cash)
    batch = _batch(world, books, people[:3])
    client = login(books.hank)
    page = client.get(reverse("distribution:batch", args=[batch.pk])).content.decode()
    assert page.count('data-testid="warning"') == 1 and "already helped by this program" in page
    assert 'data-testid="approve-form"' in page and "Your authority limit here: Rp5.000.000." in page
    url = reverse("distribution:batch_decide", args=[batch.pk])
    refused = client.post(url, {"decision": "approve", "approve-note": "ok"}).content.decode()
    assert "already helped by this program" in refused and Batch.objects.get(pk=batch.pk).status == "prepared"
    done = client.post(url, {"decision": "approve", "approve-override_reason": "banjir bandang"})
    assert done.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.override_reason, batch.approved_by) == ("approved", "banjir bandang", books.hank)
    # Finance pays; the page then links the journal entry.
    pay = login(books.fiona)
    assert 'data-testid="pay"' in pay.get(reverse("distribution:batch", args=[batch.pk])).content.decode()
    response = pay.post(
        reverse("distribution:batch_pay", args=[batch.pk]),
        {"pay-money_account": books.cash.pk, "pay-paid_on": "2999-01-01", "pay-reference": "TRF-1"},
    )
    assert "cannot be dated in the future" in response.content.decode()
    response = pay.post(
        reverse("distribution:batch_pay", args=[batch.pk]),
        {"pay-money_account": books.cash.pk, "pay-paid_on": first.created_at.date().isoformat(), "pay-reference": "T"},
    )
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.status == "paid" and JournalEntry.objects.filter(pk=batch.entry_id)
    assert set(batch.applications.values_list("status", flat=True)) == {AppStatus.DISBURSED}
    page = pay.get(reverse("distribution:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="entry"' in page and "banjir bandang" in page
    workbook = pay.get(reverse("distribution:batch", args=[batch.pk]) + "?format=xlsx")
    cells = [c for row in load_workbook(BytesIO(workbook.content)).active.iter_rows(values_only=True) for c in row]
    assert people[1].number in cells and 300_000 in cells


def test_the_preparer_does_not_approve_and_a_rejection_needs_a_reason(world, books, people, login):
    batch = _batch(world, books, people[:2])
    paula = login(books.registry.paula)
    page = paula.get(reverse("distribution:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="own-batch"' in page and 'data-testid="approve-form"' not in page
    url = reverse("distribution:batch_decide", args=[batch.pk])
    refused = paula.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert "You prepared this batch; another person approves it." in refused
    hank = login(books.hank)
    assert "Give the reason for rejecting" in hank.post(url, {"decision": "reject"}).content.decode()
    assert hank.post(url, {"decision": "reject", "reject-note": "data ganda"}).status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {AppStatus.REJECTED}


def test_above_the_limit_the_approver_is_told_where_it_goes(world, books, people, login):
    batch = _batch(world, books, people[:3], amount=2_000_000)  # Rp6.000.000
    client = login(books.hank)
    page = client.get(reverse("distribution:batch", args=[batch.pk])).content.decode()
    assert "Rp6.000.000 is above it: an approver at Wilayah Satu decides." in page
    page = client.post(reverse("distribution:batch_decide", args=[batch.pk]), {"decision": "approve"})
    assert "above your authority limit" in page.content.decode() and Batch.objects.get().status == "prepared"


def test_outsiders_and_roles_without_the_step_get_nothing(world, books, people, login):
    batch = _batch(world, books, people[:2])
    urls = [reverse(f"distribution:{name}", args=[batch.pk]) for name in ("batch", "batch_decide", "batch_pay")]
    for outsider in (world.bob, world.eve):
        client = login(outsider)
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"decision": "approve"})
                assert response.status_code in (404, 405), (outsider, url, method, response.status_code)
                assert b"Ramadan" not in response.content
    audrey = login(world.audrey)
    assert audrey.get(urls[0]).status_code == 200
    assert audrey.post(urls[1], {"decision": "reject", "reject-note": "x"}).status_code == 403
    assert audrey.post(urls[2], {"pay-money_account": books.cash.pk}).status_code == 403
    assert audrey.get(NEW).status_code == 403 and login(world.frank).get(NEW).status_code == 403
    assert Batch.objects.get().status == "prepared"
