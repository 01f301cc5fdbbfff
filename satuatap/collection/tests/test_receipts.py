"""Receipts: what the printed Bukti Setor Zakat carries, both layouts, the void stamp, the print log, sending."""

import io
import re
import subprocess
from urllib.parse import unquote

import pytest
from django.core import mail

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection import services
from satuatap.collection.models import ReceiptPrint
from satuatap.collection.services import DonationLineSpec, donation_void, receipts
from satuatap.collection.tests.conftest import give
from satuatap.core.errors import NotAllowed
from satuatap.donors.models import Donor
from satuatap.organizations.models import Unit
from satuatap.outbox.models import Message, MessageChannel, MessageStatus

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def page_size_pt(pdf: bytes) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    return float(width), float(height)


@pytest.fixture
def english(settings):
    """Receipts print in the institution's language; these tests read them in English."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def licensed(world):
    Unit.objects.filter(pk=world.alpha.pk).update(
        legal_name="Yayasan LAZ Alpha Indonesia",
        legal_basis="SK Menteri Agama No. 123 Tahun 2024",
        npwp="02.345.678.9-012.000",
    )
    world.branch_a.refresh_from_db()
    return world


def test_amount_in_words_is_indonesian_rupiah():
    assert receipts.amount_in_words(1_250_000) == "satu juta dua ratus lima puluh ribu rupiah"
    assert receipts.amount_in_words(45_000) == "empat puluh lima ribu rupiah"


def test_printed_receipt_carries_what_a_zakat_tax_deduction_needs(licensed, desk, english):
    world = licensed
    donation = give(
        world.branch_a,
        desk.donor,
        world.frank,
        ("zakat_maal", 1_000_000),
        ("infak", 250_000),
        DonationLineSpec("zakat_fitrah", persons=2),
    )
    pdf, entry = receipts.receipt_print(actor=world.frank, receipt=donation.receipt, layout="a5")
    text = pdf_text(pdf)
    for expected in (
        "BRA-2026-000001",
        "Muhammad Nur Hidayat",
        "01.312.166.0-091.000",  # the payer's full NPWP, as the tax return needs it
        "Rp1.340.000",
        "10 March 2026",
        "Yayasan LAZ Alpha Indonesia",
        "SK Menteri Agama No. 123 Tahun 2024",
        "02.345.678.9-012.000",
        str(world.frank),  # the officer who signs
        "satu juta tiga ratus empat puluh ribu rupiah",
        "Zakat maal",
        "Infak/sedekah",
        "2 persons × Rp45.000",
    ):
        assert expected in text, expected

    # The verification link is printed under the QR code (broken over lines where it is long).
    def squeezed(value: str) -> str:  # a long link breaks over lines, at a dash or anywhere
        return "".join(value.split()).replace("-", "")

    assert squeezed(f"/r/{donation.receipt.verify_token}/") in squeezed(text)
    assert entry.kind == ReceiptPrint.Kind.PRINT and entry.layout == "a5"


def test_receipt_context_names_the_public_verification_link_for_the_qr_code(world, desk, rf):
    donation = give(world.branch_a, desk.donor, world.frank)
    context = receipts.receipt_context(donation.receipt, request=rf.get("/"))
    assert context["verify_url"] == f"http://testserver/r/{donation.receipt.verify_token}/"
    assert context["qr_svg"].startswith("<svg") and context["qr_data_uri"].startswith("data:image/svg+xml")
    assert context["is_zakat"] and context["total_words"] == "satu juta rupiah"


def test_a_transfer_shows_the_banks_validation_instead_of_a_signature(world, desk, english):
    donation = give(
        world.branch_a,
        desk.donor,
        desk.fiona,
        ("infak", 300_000),
        channel="bank_transfer",
        bank_account=desk.bank,
        bank_reference="FT2026031000123",
    )
    text = pdf_text(receipts.receipt_pdf(donation.receipt, "a5"))
    assert "Bank validation: FT2026031000123" in text
    assert "Received by" not in text
    assert "donation receipt" in text.lower()  # no zakat line: a kuitansi, not a Bukti Setor Zakat


def test_thermal_receipt_is_80_mm_wide_and_as_long_as_its_content(world, desk):
    short = give(world.branch_a, desk.donor, world.frank, ("infak", 10_000))
    long = give(world.branch_a, desk.donor, world.frank, *[("infak", 1_000 + n) for n in range(12)])
    short_width, short_height = page_size_pt(receipts.receipt_pdf(short.receipt, "thermal"))
    long_width, long_height = page_size_pt(receipts.receipt_pdf(long.receipt, "thermal"))
    assert round(short_width / 72 * 25.4) == 80 == round(long_width / 72 * 25.4)
    assert 100 < short_height / 72 * 25.4 < 250
    assert long_height > short_height + 12 * 8


def test_first_pdf_of_each_layout_is_a_print_later_ones_reprints_and_each_is_audited(world, desk, english):
    """The 80 mm roll printed right after the A5 sheet is no copy: each layout's first print is the original."""
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    first, first_entry = receipts.receipt_print(actor=world.frank, receipt=receipt, layout="a5")
    roll, roll_entry = receipts.receipt_print(actor=desk.fiona, receipt=receipt, layout="thermal")
    again, again_entry = receipts.receipt_print(actor=desk.fiona, receipt=receipt, layout="a5")
    roll_again, roll_again_entry = receipts.receipt_print(actor=world.frank, receipt=receipt, layout="thermal")
    assert [e.kind for e in (first_entry, roll_entry, again_entry, roll_again_entry)] == [
        ReceiptPrint.Kind.PRINT,
        ReceiptPrint.Kind.PRINT,
        ReceiptPrint.Kind.REPRINT,
        ReceiptPrint.Kind.REPRINT,
    ]
    assert "Copy (re-printed)" not in pdf_text(first) and "Copy (re-printed)" not in pdf_text(roll)
    assert "Copy (re-printed)" in pdf_text(again) and "Copy (re-printed)" in pdf_text(roll_again)
    events = AuditEvent.objects.filter(action=AuditAction.RECEIPT_PRINTED, target_id=str(receipt.pk))
    assert sorted(e.changes["kind"][1] for e in events) == ["print", "print", "reprint", "reprint"]


def stamp_pixels(pdf: bytes) -> int:
    """How many pixels of the first page are the red of the BATAL / VOID stamp."""
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-"], input=pdf, capture_output=True)
    image = Image.open(io.BytesIO(png.stdout)).convert("RGB")
    data = image.tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 200 and g < 170 and b < 170 and r - g > 60)


def test_void_receipt_keeps_its_number_and_prints_with_a_big_void_stamp(world, desk, english):
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    valid = receipts.receipt_pdf(receipt, "a5")
    assert "VOID" not in pdf_text(valid) and stamp_pixels(valid) == 0
    donation_void(actor=desk.fiona, donation=receipt.donation, reason="Nominal salah ketik")
    receipt.refresh_from_db()
    receipt.donation.refresh_from_db()
    for layout in ("a5", "thermal"):
        pdf = receipts.receipt_pdf(receipt, layout)
        text = pdf_text(pdf)
        assert "BRA-2026-000001" in text and "VOID: Nominal salah ketik" in text
        assert stamp_pixels(pdf) > 300, layout


def test_roles_without_counter_or_identifier_rights_cannot_print(world, desk):
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    with pytest.raises(NotAllowed):
        receipts.receipt_print(actor=world.alice, receipt=receipt, layout="a5")
    assert not ReceiptPrint.objects.exists()


def test_email_goes_only_to_a_donor_who_agreed_through_the_outbox_with_the_pdf(world, desk, settings):
    settings.TASKS = IMMEDIATE
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    with pytest.raises(receipts.ReceiptSendRefused, match="agreed"):
        receipts.receipt_send_email(actor=world.frank, receipt=receipt)
    assert not Message.objects.exists() and not ReceiptPrint.objects.exists()
    Donor.objects.filter(pk=desk.donor.pk).update(consent_email=True)
    receipt.donation.donor.refresh_from_db()
    message = receipts.receipt_send_email(actor=world.frank, receipt=receipt)
    assert message.channel == MessageChannel.EMAIL and message.recipient == "hidayat@example.id"
    log = ReceiptPrint.objects.get(receipt=receipt)
    assert (log.kind, log.recipient) == (ReceiptPrint.Kind.EMAIL, "hidayat@example.id")
    assert AuditEvent.objects.filter(action=AuditAction.RECEIPT_SENT, target_id=str(receipt.pk)).count() == 1


def test_email_is_delivered_with_the_pdf_attached_once_the_sending_commits(
    world, desk, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    Donor.objects.filter(pk=desk.donor.pk).update(consent_email=True)
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    receipt.donation.donor.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        message = receipts.receipt_send_email(actor=world.frank, receipt=receipt)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["hidayat@example.id"] and receipt.number in sent.subject
    name, content, mimetype = sent.attachments[0]
    assert name == f"{receipt.number}-a5.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert receipt.verify_token in sent.body
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_whatsapp_link_carries_the_verification_link_and_counts_as_sent(world, desk):
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    with pytest.raises(receipts.ReceiptSendRefused):
        receipts.receipt_send_whatsapp(actor=world.frank, receipt=receipt)
    Donor.objects.filter(pk=desk.donor.pk).update(consent_whatsapp=True)
    receipt.donation.donor.refresh_from_db()
    link = receipts.receipt_send_whatsapp(actor=world.frank, receipt=receipt)
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert f"/r/{receipt.verify_token}/" in unquote(link) and receipt.number in unquote(link)
    message = Message.objects.get()
    assert message.channel == MessageChannel.WHATSAPP and message.status == MessageStatus.SENT
    assert ReceiptPrint.objects.get(receipt=receipt).kind == ReceiptPrint.Kind.WHATSAPP


def test_a_void_receipt_is_not_sent_and_auditors_cannot_send(world, desk):
    Donor.objects.filter(pk=desk.donor.pk).update(consent_email=True, consent_whatsapp=True)
    receipt = give(world.branch_a, desk.donor, world.frank).receipt
    receipt.donation.donor.refresh_from_db()
    with pytest.raises(NotAllowed):
        receipts.receipt_send_email(actor=world.audrey, receipt=receipt)
    donation_void(actor=desk.fiona, donation=receipt.donation, reason="Dobel")
    receipt.donation.refresh_from_db()
    with pytest.raises(receipts.ReceiptSendRefused, match="void"):
        receipts.receipt_send_whatsapp(actor=world.frank, receipt=receipt)
    assert not Message.objects.exists()


def test_the_server_warms_receipt_rendering_in_the_background_at_start(monkeypatch):
    """The first A5 after a start cost ~1.85 s (WeasyPrint, fonts, templates) against ~0.3 s later:
    the WSGI application (runserver, each gunicorn worker) pays it in a background thread instead."""
    import importlib
    import sys
    import threading

    calls = []
    # The WSGI module takes it from the services index.
    monkeypatch.setattr(services, "receipt_rendering_warm_up", lambda: calls.append(threading.current_thread()))
    module = sys.modules.get("satuatap.wsgi")
    if module is None:
        importlib.import_module("satuatap.wsgi")
    else:
        importlib.reload(module)
    for thread in threading.enumerate():
        if thread.name == "satuatap-warm-up":
            thread.join(timeout=60)
    assert len(calls) == 1 and calls[0] is not threading.main_thread()


def test_the_warm_up_renders_with_the_receipts_own_styles():
    receipts.receipt_rendering_warm_up()  # must keep working as the templates change
