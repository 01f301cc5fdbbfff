"""How distribution's messages read: a fund named once, dates in words (7 Desember 2026), not ISO."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.stock import services as stock_services
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.ledger.services.lookups import fund_of

pytestmark = pytest.mark.django_db


def test_a_refusal_for_want_of_money_names_the_fund_once(world, books):
    program = services.program_save(
        actor=world.carol, unit=world.branch_a, code="modal", name="Modal usaha", pillar="economy", fund_kind="infak",
        budget=10_000_000, start_date=books.program.start_date, end_date=books.program.end_date,
    )  # fmt: skip
    application = apply_and_recommend(world, books, 4_000_000, program=program)
    fund = fund_of(world.alpha.pk, "infak")
    with translation.override("en"), pytest.raises(DistributionRefused) as refusal:
        services.application_decide(actor=books.hank, application=application, approve=True)
    message = str(refusal.value.messages[0])
    # The fund's own name already says it is a fund ("Dana infak/sedekah ..."): no "fund" added around it.
    assert message.startswith(f"{fund.name} of Cabang Anggrek has ")
    assert message.count(fund.name) == 1 and " fund " not in message


def test_the_assessment_linked_reads_its_date_in_words(world, books):
    application = services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=books.siti,
        need="Kebutuhan pangan", requested_amount=900_000,
    )  # fmt: skip
    services.application_screen(actor=books.registry.paula, application=application, note="lengkap")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    client.force_login(books.registry.paula)
    response = client.post(f"/distribution/applications/{application.pk}/assess/", {"assess-note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    day = application.assessment.assessed_on
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    with translation.override("id"):
        from satuatap.core.formatting import format_date

        assert format_date(day) in text
    assert day.isoformat() not in text


def test_goods_dated_before_the_gift_are_refused_with_the_date_in_words():
    with translation.override("id"), pytest.raises(DistributionRefused) as refusal:
        stock_services.day_of(date(2026, 1, 2), "moved_on", default=date(2026, 1, 5), not_before=date(2026, 1, 5))
    message = str(refusal.value.messages[0])
    assert "5 Januari 2026" in message and "2026-01-05" not in message
