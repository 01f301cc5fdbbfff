"""Every writer names restricted infak by a purpose it may hold: the ledger's own entries (manual,
opening balances, transfers) take a program or campaign of the institution from a list, and the
counter, the API and the import take only a program of the unit or an office above it."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.collection.models import DonationLine, ImportStatus
from satuatap.collection.services import DonationLineSpec, campaign_save, donation_record
from satuatap.collection.tests.test_import_services import csv_bytes, run, save
from satuatap.core.errors import DomainError
from satuatap.distribution.tests.conftest import fund
from satuatap.distribution.tests.test_restricted_infak import (  # noqa: F401  (fixtures)
    as_user,
    donor,
    restricted_available,
    restricted_program,
    yatim,
)
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account, JournalEntry, LedgerBalance
from satuatap.ledger.services.restrictions import UnknownPurpose

pytestmark = pytest.mark.django_db

# ruff: noqa: F811  (the fixtures yatim and donor come from test_restricted_infak)


@pytest.fixture
def bakung(world, books):
    """A restricted-infak program of branch B (outside branch A's line of offices)."""
    return restricted_program(
        world.carol, world.branch_b, code="bakung", name="Beasiswa Bakung", pillar="education", budget=10_000_000
    )


def cash(unit) -> Account:
    return Account.objects.get(institution_id=unit.institution_id, system_key=cash_key(unit.pk))


def restricted_pair(world, restriction, amount=100_000):
    return [
        ledger.LineSpec(cash(world.branch_a), "infak_restricted", debit=amount, restriction=restriction),
        ledger.LineSpec("4310", "infak_restricted", credit=amount, restriction=restriction),
    ]


def draft(world, books, restriction):
    return ledger.manual_entry_draft(
        actor=books.fiona,
        unit=world.branch_a,
        entry_date=timezone.localdate(),
        memo="Koreksi",
        lines=restricted_pair(world, restriction),
    )


# --- 1. the ledger's own writers ------------------------------------------------------------------


def test_a_manual_entry_names_a_program_or_a_campaign_of_the_institution(world, books, yatim):
    for text in ("Yatim piatu", "yatim-lama", "campaign:999", "program:999999"):
        with pytest.raises(UnknownPurpose) as refused:
            draft(world, books, text)
        assert set(refused.value.message_dict) == {"lines"}
        assert "Line 1" in refused.value.messages[0] and "no program or campaign" in refused.value.messages[0]
    # A program by its key, its code in any case or its id is held under its key.
    for value in (yatim.restriction, "YATIM", str(yatim.pk)):
        entry = draft(world, books, value)
        assert {row["restriction"] for row in entry.draft_lines} == {yatim.restriction}
    # A campaign raising for no program holds under its own key; one raising for a program under the program's.
    today = timezone.localdate()
    period = {"target": 1_000_000, "start_date": date(today.year, 1, 1), "end_date": date(today.year, 12, 31)}
    sumur = campaign_save(actor=world.carol, unit=world.branch_a, code="sumur", name="Sumur", **period)
    entry = draft(world, books, sumur.restriction)
    assert {row["restriction"] for row in entry.draft_lines} == {f"campaign:{sumur.pk}"}
    raising = campaign_save(actor=world.carol, unit=world.branch_a, code="ry", name="R", program="yatim", **period)
    with pytest.raises(UnknownPurpose):
        draft(world, books, f"campaign:{raising.pk}")
    # A change of the draft is checked too.
    with pytest.raises(UnknownPurpose):
        ledger.manual_entry_update(actor=books.fiona, entry=entry, lines=restricted_pair(world, "Yatim piatu"))


def test_an_old_tag_the_ledger_holds_may_be_moved_to_its_program_and_nothing_else(world, books, yatim):
    fund(world.branch_a, 300_000, fund_kind="infak_restricted", account="4310", restriction="Yatim lama", key="old")
    entry = ledger.manual_entry_draft(
        actor=books.fiona,
        unit=world.branch_a,
        entry_date=timezone.localdate(),
        memo="Pindahkan tag lama ke programnya",
        lines=[  # the receipt taken back from the old tag and booked again for the program
            ledger.LineSpec("4310", "infak_restricted", debit=300_000, restriction="Yatim lama"),
            ledger.LineSpec(cash(world.branch_a), "infak_restricted", credit=300_000, restriction="Yatim lama"),
            *restricted_pair(world, "yatim", 300_000),
        ],
    )
    assert [row["restriction"] for row in entry.draft_lines] == ["Yatim lama"] * 2 + [yatim.restriction] * 2
    # A draft saved before the rule, naming free text, is refused when approved.
    JournalEntry.objects.filter(pk=entry.pk).update(
        draft_lines=[{**row, "restriction": "ketik bebas"} for row in entry.draft_lines]
    )
    with pytest.raises(UnknownPurpose):
        ledger.manual_entry_approve(actor=books.hank, entry=entry)


def test_the_manual_entry_form_offers_the_purposes_by_name_and_refuses_another_on_its_field(
    world, books, yatim, monkeypatch
):
    client = as_user(books.fiona)
    page = client.get("/ledger/entries/new/")
    choices = page.context["lines"].forms[0].fields["restriction"].choices
    assert (yatim.restriction, "Santunan Yatim (yatim)") in choices
    assert all(key == "" or key.startswith(("program:", "campaign:")) for key, _label in choices)
    body = {
        "unit": world.branch_a.pk,
        "entry_date": timezone.localdate().isoformat(),
        "memo": "Koreksi",
        "lines-TOTAL_FORMS": 2,
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 2,
        "lines-MAX_NUM_FORMS": 200,
    }
    code = cash(world.branch_a).code
    for number, account, side in ((0, code, "debit"), (1, "4310", "credit")):
        body.update(
            {
                f"lines-{number}-account": account,
                f"lines-{number}-fund": "infak_restricted",
                f"lines-{number}-restriction": yatim.restriction,
                f"lines-{number}-{side}": 50_000,
            }
        )
    response = client.post("/ledger/entries/new/", {**body, "lines-1-restriction": "Yatim piatu"})
    assert response.status_code == 200
    assert response.context["lines"].forms[1].errors["restriction"]  # not one of the choices
    saved = client.post("/ledger/entries/new/", body)
    assert saved.status_code == 302
    assert {row["restriction"] for row in JournalEntry.objects.get(source="manual").draft_lines} == {yatim.restriction}

    # The service's own refusal (a purpose gone between the page and the post) lands on the line's field.
    def refuse(institution_id, specs, **kwargs):
        raise UnknownPurpose("Line 2: gone.", field="lines", line=2)

    monkeypatch.setattr("satuatap.ledger.services.journal.restricted_specs", refuse)
    response = client.post("/ledger/entries/new/", body)
    assert response.status_code == 200
    assert response.context["lines"].forms[1].errors["restriction"] == ["Line 2: gone."]


def test_the_ledger_api_refuses_an_unknown_restriction_naming_the_lines(world, books, yatim):
    headers = {
        "HTTP_ACCEPT_LANGUAGE": "en",
        "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=books.fiona, name="t")[1],
    }

    def post(restriction):
        body = {
            "unit_id": world.branch_a.pk,
            "entry_date": timezone.localdate().isoformat(),
            "memo": "Koreksi",
            "lines": [
                {
                    "account_code": cash(world.branch_a).code,
                    "fund_kind": "infak_restricted",
                    "restriction": restriction,
                    "debit": 10_000,
                },
                {"account_code": "4310", "fund_kind": "infak_restricted", "restriction": restriction, "credit": 10_000},
            ],
        }
        return Client().post("/api/v1/ledger/entries", json.dumps(body), content_type="application/json", **headers)

    refused = post("Yatim piatu")
    assert refused.status_code == 400, refused.content
    assert "no program or campaign" in json.dumps(refused.json())
    assert "lines" in refused.json()["error"]["fields"]
    accepted = post("Yatim")
    assert accepted.status_code == 201, accepted.content
    assert {line["restriction"] for line in accepted.json()["lines"]} == {yatim.restriction}


def test_opening_balances_and_transfers_name_a_purpose(world, books, yatim):
    fund_balance = Account.objects.get(institution=world.alpha, role="fund_balance", fund_kind="infak_restricted")
    rows = [
        ledger.LineSpec(cash(world.branch_a), "infak_restricted", debit=1_000, restriction="Anak yatim"),
        ledger.LineSpec(fund_balance, "infak_restricted", credit=1_000, restriction="Anak yatim"),
    ]
    with pytest.raises(UnknownPurpose) as refused:
        ledger.opening_balance_import(actor=books.fiona, unit=world.branch_a, as_of=date(2025, 1, 1), rows=rows)
    assert set(refused.value.message_dict) == {"rows"}
    # Through the page the program's code is enough; the key is stored.
    csv = (
        "account_code,fund,debit,credit,restriction\n"
        f"{cash(world.branch_a).code},infak_restricted,1000,0,YATIM\n"
        f"{fund_balance.code},infak_restricted,0,1000,yatim\n"
    )
    response = as_user(books.fiona).post(
        "/ledger/opening/",
        {"unit": world.branch_a.pk, "as_of": "2025-01-01", "file": SimpleUploadedFile("o.csv", csv.encode())},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    opening = LedgerBalance.objects.filter(unit=world.branch_a, source="opening")
    assert set(opening.values_list("restriction", flat=True)) == {yatim.restriction}
    fund(world.branch_a, 500_000, fund_kind="infak_restricted", account="4310", restriction=yatim.restriction)
    transfer = {
        "actor": books.fiona,
        "from_unit": world.branch_a,
        "to_unit": world.area,
        "fund": "infak_restricted",
        "amount": 100_000,
        "kind": "remit",
    }
    with pytest.raises(UnknownPurpose) as refused:
        ledger.transfer_post(**transfer, restriction="Yatim piatu", idempotency_key="t1")
    assert set(refused.value.message_dict) == {"restriction"}
    entry = ledger.transfer_post(**transfer, restriction="yatim", idempotency_key="t2")
    assert set(entry.lines.values_list("restriction", flat=True)) == {yatim.restriction}
    choices = as_user(books.fiona).get("/ledger/transfers/new/").context["form"].fields["restriction"].choices
    assert (yatim.restriction, "Santunan Yatim (yatim)") in choices


# --- 2. one rule for the counter, the API and the import ------------------------------------------


def test_a_program_of_another_branch_is_refused_by_the_service_the_api_and_the_import(
    world, books, yatim, bakung, donor
):
    counter = as_user(world.frank).get("/collection/counter/")
    kinds = dict(counter.context["lines"].empty_form.fields["kind"].choices)
    assert f"for-{yatim.restriction}" in kinds and f"for-{bakung.restriction}" not in kinds
    with pytest.raises(DomainError) as refused:
        donation_record(
            actor=world.frank,
            unit=world.branch_a,
            donor=donor,
            donation_date=timezone.localdate(),
            channel="cash",
            lines=[DonationLineSpec("infak", 100_000, program="bakung")],
            idempotency_key="other-branch",
        )
    assert set(refused.value.message_dict) == {"program"}
    assert "only for the programs of this office and the offices above it" in refused.value.messages[0]

    headers = {
        "HTTP_ACCEPT_LANGUAGE": "en",
        "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=world.frank, name="t")[1],
    }
    for line, field in (({"program": "BAKUNG"}, "lines.0.program"), ({"program_id": bakung.pk}, "lines.0.program_id")):
        body = {
            "unit_id": world.branch_a.pk,
            "donor_id": donor.pk,
            "donation_date": timezone.localdate().isoformat(),
            "channel": "cash",
            "lines": [{"kind": "infak", "amount": 250_000, **line}],
        }
        response = Client().post(
            "/api/v1/donations",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=field,
            **headers,
        )
        assert response.status_code == 422, response.content
        fields = response.json()["error"]["fields"]
        assert list(fields) == [field] and "offices above it" in fields[field][0]

    header = ["Date", "Donor number", "Kind", "Amount", "Channel", "Program"]
    day = timezone.localdate().isoformat()
    data = [
        [day, donor.number, "Infak", "100000", "Cash at the counter", "yatim"],
        [day, donor.number, "Infak", "200000", "Cash at the counter", "bakung"],
    ]
    job = save(books.fiona, run(books.fiona, world.branch_a, "donations", csv_bytes(header, data, delimiter=",")))
    assert job.status == ImportStatus.COMMITTED and job.error_rows == 1
    assert "offices above it" in job.errors[0][2]
    assert list(DonationLine.objects.values_list("program", flat=True)) == [yatim.restriction]
    assert restricted_available(world, bakung.restriction) == 0
    # A campaign of branch A cannot raise for branch B's program either.
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        campaign_save(
            actor=world.carol,
            unit=world.branch_a,
            code="beasiswa",
            name="Beasiswa",
            target=1_000_000,
            start_date=date(today.year, 1, 1),
            end_date=date(today.year, 12, 31),
            program="bakung",
        )
    assert set(refused.value.message_dict) == {"program"}
