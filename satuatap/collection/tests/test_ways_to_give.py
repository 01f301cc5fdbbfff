"""Public pages that lead somewhere: the calculator's result and the campaign page lead to the ways to
give of the office (bank accounts, the note to write, office and hours, WhatsApp), with no login."""

from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from satuatap.collection import services
from satuatap.collection.views.setup import WAYS_TO_GIVE_RATE
from satuatap.ledger import services as ledger
from satuatap.ledger.models import AccountRole

WAYS = "/cara-bayar/alpha/"
CALCULATOR = "/zakat/kalkulator/ALPHA/"


def english():
    client = Client()
    client.cookies["satuatap_language"] = "en"
    return client


@pytest.fixture
def offices(world, desk):
    """Branch A: a bank account (from ``desk``), an address, hours and WhatsApp; the institution a
    bank account of its own; branch B (SECRET) an account that must never show for branch A."""
    world.branch_a.address = "Jl. Anggrek No. 7, Pati"
    world.branch_a.office_hours = "Senin–Jumat 08.00–15.00, Sabtu 08.00–12.00"
    world.branch_a.whatsapp = "0812-3456-7890"
    world.branch_a.save()
    world.alpha.address = "Jl. Pusat No. 1"
    world.alpha.save()
    root_bank = ledger.account_create(
        actor=world.carol,
        institution=world.alpha,
        code="1210.ALPHA",
        name="Rekening pusat",
        role=AccountRole.BANK,
        unit=world.alpha,
        bank_name="Bank Muamalat",
        bank_account_number="3300112233",
    )
    secret_bank = ledger.account_create(
        actor=world.carol,
        institution=world.alpha,
        code="1210.BRB",
        name="SECRET bank",
        role=AccountRole.BANK,
        unit=world.branch_b,
        bank_name="SECRET Bank",
        bank_account_number="9999999999",
    )
    well = services.campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="sumur-2026",
        name="Wakaf Sumur Desa",
        description="Sumur bor.",
        target=10_000_000,
        start_date=date(2026, 1, 1),
        end_date=max(date(2026, 12, 31), timezone.localdate()),
    )
    return type("Offices", (), {"root_bank": root_bank, "secret_bank": secret_bank, "well": well, "desk": desk})


def test_the_ways_to_give_page_needs_no_login_and_shows_the_institutions_accounts(world, offices):
    response = english().get(WAYS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "3300112233" in page and "Bank Muamalat" in page and "Account holder: LAZ Alpha" in page
    assert "Jl. Pusat No. 1" in page
    assert "7123456789" not in page and "SECRET" not in page  # a branch's account is not the institution's


def test_an_office_shows_its_own_accounts_hours_and_whatsapp_with_the_note_to_write(world, offices):
    response = english().get(WAYS, {"kantor": "bra", "jenis": "zakat_maal", "jumlah": "3375000"})
    page = response.content.decode()
    assert [a.bank_account_number for a in response.context["accounts"]] == ["7123456789"]
    assert "Bank Syariah Indonesia" in page and "Account holder: Cabang Anggrek" in page
    assert "Senin–Jumat 08.00–15.00, Sabtu 08.00–12.00" in page and "Jl. Anggrek No. 7, Pati" in page
    assert "Rp3.375.000" in page and "ZAKAT MAAL" in page
    chat = urlsplit(response.context["whatsapp_url"])
    assert chat.netloc == "wa.me" and chat.path == "/6281234567890"
    text = unquote(parse_qs(chat.query)["text"][0])
    assert "Zakat maal" in text and "Rp3.375.000" in text
    assert 'data-testid="whatsapp-chat"' in page and "3300112233" not in page


def test_an_office_without_accounts_or_contact_uses_the_nearest_office_above(world, offices):
    response = english().get(WAYS, {"kantor": "BRAS1"})
    assert response.context["office"] == world.branch_a_sub
    assert [a.bank_account_number for a in response.context["accounts"]] == ["7123456789"]
    assert response.context["contact"] == world.branch_a
    assert urlsplit(response.context["whatsapp_url"]).path == "/6281234567890"


def test_the_whatsapp_chat_goes_to_the_nearest_office_with_a_number(world, offices):
    world.branch_a.whatsapp = ""
    world.branch_a.save()
    world.area.whatsapp = "+62 811-2222-3333"
    world.area.save()
    response = english().get(WAYS, {"kantor": "BRA"})
    assert response.context["contact"] == world.branch_a  # the counter is still the branch's
    assert urlsplit(response.context["whatsapp_url"]).path == "/6281122223333"


def test_a_campaign_names_its_office_and_code_in_the_note_and_the_chat(world, offices):
    response = english().get(WAYS, {"kampanye": "sumur-2026", "kantor": "BRB", "jenis": "zakat_maal"})
    page = response.content.decode()
    assert response.context["office"] == world.branch_a  # the campaign's office, whatever else is asked
    assert "SUMUR-2026" in page and "Wakaf Sumur Desa" in page and "SECRET" not in page
    text = unquote(parse_qs(urlsplit(response.context["whatsapp_url"]).query)["text"][0])
    assert "Wakaf Sumur Desa" in text and "sumur-2026" in text and "Zakat maal" not in text


@pytest.mark.parametrize(
    "query",
    [
        {"kantor": "BRA' OR 1=1"},
        {"kantor": "x" * 500},
        {"kampanye": "../../etc"},
        {"jenis": "amil_share"},
        {"jenis": "bogus", "jumlah": "-5"},
        {"jumlah": "99999999999999999999999"},
        {"jumlah": "1e9"},
        {"jumlah": "١٢٣"},
    ],
)
def test_unknown_or_malformed_parameters_are_ignored_never_a_500(world, offices, query):
    response = english().get(WAYS, query)
    assert response.status_code == 200
    assert response.context["office"] == world.alpha and response.context["amount"] is None
    assert response.context["transfer_note"] == "INFAK"


def test_another_institutions_office_or_campaign_is_never_shown(world, offices):
    services.campaign_save(
        actor=world.eve,
        unit=world.beta,
        code="rahasia",
        name="SECRET campaign",
        description="",
        target=1_000,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    page = english().get(WAYS, {"kantor": "BRA", "kampanye": "rahasia"}).content.decode()
    assert "SECRET" not in page
    assert english().get("/cara-bayar/nope/").status_code == 404


def test_an_office_without_accounts_says_so_and_an_invalid_whatsapp_gives_no_link(world, offices):
    offices.root_bank.is_active = False
    offices.root_bank.save()
    world.alpha.whatsapp = "not a number"
    world.alpha.save()
    response = english().get(WAYS)
    assert response.context["accounts"] == [] and response.context["whatsapp_url"] == ""
    assert 'data-testid="no-bank-accounts"' in response.content.decode()


def test_the_page_is_rate_limited_per_address(world, offices):
    cache.clear()
    client = english()
    for _ in range(WAYS_TO_GIVE_RATE.count):
        assert client.get(WAYS).status_code == 200
    response = client.get(WAYS)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    cache.clear()


def test_the_ways_to_give_page_has_no_inline_script_and_reads_few_queries(
    world, offices, django_assert_max_num_queries
):
    cache.clear()
    with django_assert_max_num_queries(8):
        page = english().get(WAYS, {"kampanye": "sumur-2026"}).content.decode()
    assert "<script>" not in page and "/static/js/public.js" in page


def test_a_calculators_result_with_zakat_due_leads_to_paying_it(world, offices):
    services.collection_settings_set(actor=world.carol, institution=world.alpha, gold_price_per_gram=1_000_000)
    query = {"type": "maal", "calc": "1", "cash": "90.000.000", "debts": "4.000.000", "held_haul": "on"}
    response = english().get(CALCULATOR, query)
    url = urlsplit(response.context["pay_url"])
    assert url.path == WAYS
    assert parse_qs(url.query) == {"jenis": ["zakat_maal"], "jumlah": ["2150000"]}
    assert 'data-testid="pay-now"' in response.content.decode()
    followed = english().get(response.context["pay_url"])
    assert followed.context["amount"] == 2_150_000 and "ZAKAT MAAL" in followed.content.decode()


def test_a_fitrah_result_leads_to_the_chosen_office(world, offices):
    year = services.hijri_year(timezone.localdate())
    services.fitrah_rate_set(
        actor=offices.desk.fiona, unit=world.branch_a, hijri_year=year, mode="money", amount=40_000
    )
    response = english().get(CALCULATOR, {"type": "fitrah", "calc": "1", "persons": "3", "office": "BRA"})
    query = parse_qs(urlsplit(response.context["pay_url"]).query)
    assert query == {"jenis": ["zakat_fitrah"], "jumlah": ["120000"], "kantor": ["BRA"]}


def test_a_result_with_no_zakat_due_offers_infak_instead(world, offices):
    services.collection_settings_set(actor=world.carol, institution=world.alpha, gold_price_per_gram=1_000_000)
    response = english().get(CALCULATOR, {"type": "maal", "calc": "1", "cash": "1.000.000", "held_haul": "on"})
    assert "pay_url" not in response.context
    assert parse_qs(urlsplit(response.context["infak_url"]).query) == {"jenis": ["infak"]}


def test_the_campaign_page_shows_accounts_hours_a_whatsapp_share_and_pay_now(world, offices):
    response = english().get("/kampanye/ALPHA/sumur-2026/")
    page = response.content.decode()
    assert "7123456789" in page and "Senin–Jumat 08.00–15.00" in page and "SECRET" not in page
    share = urlsplit(response.context["share_url"])
    assert share.netloc == "wa.me" and share.path == "/"
    text = parse_qs(share.query)["text"][0]
    assert text == "Wakaf Sumur Desa http://testserver/kampanye/ALPHA/sumur-2026/"
    pay = urlsplit(response.context["pay_url"])
    assert pay.path == WAYS and parse_qs(pay.query) == {"kampanye": ["sumur-2026"]}
    assert 'data-testid="pay-now"' in page and 'data-testid="whatsapp-share"' in page
