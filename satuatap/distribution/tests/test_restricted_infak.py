"""Restricted infak names its program by reference: given at the counter, through the API, in an
import or to a campaign that raises for the program, it is one pot the program can spend."""

import json
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.collection.models import Campaign, DonationLine, ImportStatus
from satuatap.collection.services import DonationLineSpec, campaign_save, donation_record
from satuatap.collection.tests.test_import_services import csv_bytes, rollups_match_lines, run, save
from satuatap.core.errors import DomainError
from satuatap.distribution import services
from satuatap.distribution.tests.conftest import apply_and_recommend, fund
from satuatap.donors.services import donor_register
from satuatap.ledger import hooks
from satuatap.ledger.models import FundPosition, JournalLine, LedgerBalance
from satuatap.ledger.selectors import fund_available, fund_positions
from satuatap.ledger.services.lookups import fund_of

pytestmark = pytest.mark.django_db


def restricted_program(actor, unit, *, code, name, pillar, budget):
    """A restricted-infak program of ``unit`` running through this year."""
    today = timezone.localdate()
    return services.program_save(
        actor=actor,
        unit=unit,
        code=code,
        name=name,
        pillar=pillar,
        fund_kind="infak_restricted",
        budget=budget,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )


@pytest.fixture
def yatim(world, books):
    """A restricted-infak program of branch A for orphans (code ``yatim``)."""
    return restricted_program(
        world.carol, world.branch_a, code="yatim", name="Santunan Yatim", pillar="social_dawah", budget=50_000_000
    )


@pytest.fixture
def donor(world, books):
    return donor_register(actor=world.frank, unit=world.branch_a, full_name="Muhammad Nur Hidayat")


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def counter_post(donor, kind, amount, key="counter-1"):
    return {
        "donor": donor.pk,
        "channel": "cash",
        "donation_date": timezone.localdate().isoformat(),
        "note": "",
        "bank_account": "",
        "bank_reference": "",
        "idempotency_key": key,
        "lines-TOTAL_FORMS": 1,
        "lines-INITIAL_FORMS": 1,
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 20,
        "lines-0-kind": kind,
        "lines-0-amount": amount,
        "q": "",
        "new-full_name": "",
    }


def restricted_available(world, key) -> int:
    return fund_available(world.branch_a, fund_of(world.alpha.pk, "infak_restricted"), key)


def test_infak_given_at_the_counter_for_a_program_is_spent_by_that_program(world, books, yatim, donor):
    client = as_user(world.frank)
    choices = dict(client.get("/collection/counter/").context["lines"].empty_form.fields["kind"].choices)
    choice = f"for-{yatim.restriction}"
    assert yatim.restriction == f"program:{yatim.pk}" and choices[choice] == "Infak for program: Santunan Yatim"
    response = client.post("/collection/counter/", counter_post(donor, choice, "2.000.000"))
    assert response.status_code == 302, response.context and response.context["lines"].forms[0].errors
    line = DonationLine.objects.get()
    assert (line.fund_kind, line.program, line.restriction) == (
        "infak_restricted",
        yatim.restriction,
        yatim.restriction,
    )
    assert restricted_available(world, yatim.restriction) == 2_000_000
    # The program approves and pays from it.
    application = apply_and_recommend(world, books, 1_500_000, program=yatim)
    application = services.application_decide(actor=books.hank, application=application, approve=True)
    services.disbursement_pay(actor=books.fiona, application=application, amount=1_500_000, money_account=books.cash)
    assert restricted_available(world, yatim.restriction) == 500_000
    assert set(JournalLine.objects.filter(fund__kind="infak_restricted").values_list("restriction", flat=True)) == {
        yatim.restriction
    }
    # One figure in the fund position, under the program's name.
    position = next(p for p in fund_positions(books.fiona, world.branch_a) if p.fund_kind == "infak_restricted")
    assert position.available_by_restriction == {yatim.restriction: 500_000}
    assert position.restriction_names == {yatim.restriction: "Santunan Yatim"}
    overview = as_user(books.fiona).get("/ledger/").content.decode()
    assert "Santunan Yatim" in overview and "Rp500.000" in overview
    # And on the programs page of distribution.
    programs = as_user(books.hank).get("/distribution/programs/")
    assert [p.held for p in programs.context["page"] if p.pk == yatim.pk] == [500_000]
    assert 'data-testid="restricted-held">Given for it, not yet spent: Rp500.000' in programs.content.decode()
    assert hooks.purpose_names([yatim.restriction]) == {yatim.restriction: "Santunan Yatim"}


def test_the_code_in_any_case_the_id_and_the_key_name_one_pot(world, books, yatim, donor):
    for number, program in enumerate(["Yatim", "yatim", " YATIM ", yatim.pk, yatim.restriction], start=1):
        donation_record(
            actor=world.frank,
            unit=world.branch_a,
            donor=donor,
            donation_date=timezone.localdate(),
            channel="cash",
            lines=[DonationLineSpec("infak", 100_000, program=program)],
            idempotency_key=f"pot-{number}",
        )
    assert set(DonationLine.objects.values_list("program", flat=True)) == {yatim.restriction}
    assert list(FundPosition.objects.filter(fund__kind="infak_restricted").values_list("restriction", "available")) == [
        (yatim.restriction, 500_000)
    ]
    # A program that does not exist, or is not restricted infak, is refused on the program field.
    for program in ("yatim-piatu", books.program.code, 10**20):
        with pytest.raises(DomainError) as refused:
            donation_record(
                actor=world.frank,
                unit=world.branch_a,
                donor=donor,
                donation_date=timezone.localdate(),
                channel="cash",
                lines=[DonationLineSpec("infak", 100_000, program=program)],
                idempotency_key=f"bad-{program}",
            )
        assert set(refused.value.message_dict) == {"program"}


def test_the_api_takes_a_program_by_id_or_code_and_names_an_unknown_one(world, books, yatim, donor):
    client = Client()
    headers = {
        "HTTP_ACCEPT_LANGUAGE": "en",
        "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=world.frank, name="t")[1],
    }

    def post(line, key):
        body = {
            "unit_id": world.branch_a.pk,
            "donor_id": donor.pk,
            "donation_date": timezone.localdate().isoformat(),
            "channel": "cash",
            "lines": [{"kind": "infak", "amount": 250_000, **line}],
        }
        return client.post(
            "/api/v1/donations", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
        )

    by_id = post({"program_id": yatim.pk}, "a")
    by_code = post({"program": "YATIM"}, "b")
    for response in (by_id, by_code):
        assert response.status_code == 201, response.content
        line = response.json()["lines"][0]
        assert (line["fund_kind"], line["program_id"], line["program_name"]) == (
            "infak_restricted",
            yatim.pk,
            "Santunan Yatim",
        )
    assert restricted_available(world, yatim.restriction) == 500_000
    for line, field in (
        ({"program": "piatu"}, "lines.0.program"),
        ({"program_id": 999_999}, "lines.0.program_id"),
        ({"program_id": books.program.pk}, "lines.0.program_id"),
        ({"program": "program:" + "9" * 30}, "lines.0.program"),  # no overflow of the key
    ):
        response = post(line, f"bad-{field}-{line}")
        assert response.status_code == 422, response.content
        error = response.json()["error"]
        assert list(error["fields"]) == [field] and "no restricted-infak program" in error["fields"][field][0]
    assert DonationLine.objects.count() == 2


def test_a_campaign_that_raises_for_a_program_restricts_its_gifts_to_that_program(world, books, yatim, donor):
    today = timezone.localdate()
    fields = {
        "code": "ramadan-yatim",
        "name": "Ramadan untuk Yatim",
        "target": 10_000_000,
        "start_date": date(today.year, 1, 1),
        "end_date": date(today.year, 12, 31),
    }
    campaign = campaign_save(actor=world.carol, unit=world.branch_a, program="Yatim", **fields)
    assert campaign.purpose == yatim.restriction == campaign.restriction
    own = campaign_save(actor=world.carol, unit=world.branch_a, **{**fields, "code": "sumur"})
    assert own.restriction == f"campaign:{own.pk}"
    with pytest.raises(DomainError) as refused:
        campaign_save(actor=world.carol, unit=world.branch_a, program="piatu", **{**fields, "code": "x1"})
    assert set(refused.value.message_dict) == {"program"}
    donation_record(
        actor=world.frank,
        unit=world.branch_a,
        donor=donor,
        donation_date=today,
        channel="cash",
        lines=[DonationLineSpec("infak", 700_000, campaign=campaign.pk)],
        idempotency_key="campaign-1",
    )
    assert restricted_available(world, yatim.restriction) == 700_000
    # Once gifts name the campaign, the program it raises for stays.
    with pytest.raises(DomainError, match="cannot change"):
        campaign_save(actor=world.carol, unit=world.branch_a, campaign=campaign, program="")
    # The campaign form offers the program by name.
    form = as_user(world.carol).get(f"/collection/campaigns/{own.pk}/edit/").context["form"]
    assert (yatim.restriction, "Santunan Yatim (yatim)") in form.fields["program"].choices


def test_the_import_takes_a_program_code_in_any_case_or_a_campaign_code(world, books, yatim, donor):
    today = timezone.localdate()
    campaign = campaign_save(
        actor=world.carol,
        unit=world.branch_a,
        code="sumur",
        name="Sumur",
        target=1_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    header = ["Date", "Donor number", "Kind", "Amount", "Channel", "Program"]
    day = today.isoformat()
    data = [
        [day, donor.number, "Infak", "100000", "Cash at the counter", "YATIM"],
        [day, donor.number, "Infak", "200000", "Cash at the counter", "Yatim"],
        [day, donor.number, "Infak", "300000", "Cash at the counter", "SUMUR"],
        [day, donor.number, "Infak", "400000", "Cash at the counter", "piatu"],
    ]
    job = save(books.fiona, run(books.fiona, world.branch_a, "donations", csv_bytes(header, data, delimiter=",")))
    assert job.status == ImportStatus.COMMITTED and job.error_rows == 1
    assert "no restricted-infak program piatu" in job.errors[0][2]
    lines = DonationLine.objects.order_by("amount")
    assert [(li.amount, li.program, li.campaign_id) for li in lines] == [
        (100_000, yatim.restriction, None),
        (200_000, yatim.restriction, None),
        (300_000, "", campaign.pk),
    ]
    assert restricted_available(world, yatim.restriction) == 300_000
    assert rollups_match_lines(world.alpha.pk)


def test_the_migration_maps_old_tags_to_programs_and_keeps_every_balance(world, books, yatim, capsys):
    """Tags from before (``Yatim``, ``yatim``, ``campaign:yatim``, free text) become the program's key
    on the lines and both rollups; rows that now share a key merge; the unmatched stay and are listed."""
    today = timezone.localdate()
    old = campaign_save(
        actor=world.carol,
        unit=world.branch_a,
        code="yatim",
        name="Kampanye Yatim",
        target=1_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    for tag, amount in (("Yatim", 100_000), ("yatim", 200_000), ("campaign:yatim", 400_000), ("Lain-lain", 800_000)):
        fund(world.branch_a, amount, fund_kind="infak_restricted", account="4310", restriction=tag, key=tag)
    before = restricted_available(world, None)
    executor = MigrationExecutor(connection)
    target = ("distribution", "0004_restricted_infak_names_its_program")
    apps = executor.loader.project_state(target).apps
    migration = executor.loader.get_migration(*target)
    migration.operations[0].code(apps, None)
    keys = set(JournalLine.objects.filter(fund__kind="infak_restricted").values_list("restriction", flat=True))
    assert keys == {yatim.restriction, "Lain-lain"}
    assert restricted_available(world, yatim.restriction) == 700_000
    assert restricted_available(world, "Lain-lain") == 800_000
    assert restricted_available(world, None) == before
    assert LedgerBalance.objects.filter(restriction=yatim.restriction).count() == 2  # cash and 4310, merged
    assert rollups_match_lines(world.alpha.pk)
    assert Campaign.objects.get(pk=old.pk).purpose == yatim.restriction
    assert "'Lain-lain'" in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 restricted-infak tag"):
        call_command("restrictions_unmatched")
    assert "'Lain-lain'" in capsys.readouterr().out
