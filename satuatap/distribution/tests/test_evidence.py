import subprocess
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.core.errors import NotAllowed
from satuatap.distribution import selectors, services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Disbursement
from satuatap.distribution.tests.conftest import apply_and_recommend
from tests.browser_support import ARTIFACTS
from tests.scoping_beneficiaries import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def paid(world, books):
    application = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 750_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=application, amount=750_000, money_account=books.cash)
    application.refresh_from_db()
    return application


def test_evidence_is_kept_privately_and_every_view_is_audited(world, books, paid):
    kept = services.evidence_add(
        actor=books.registry.paula, application=paid, kind="photo", upload=SimpleUploadedFile("serah.png", PNG)
    )
    assert kept.content_type == "image/png" and kept.size == len(PNG) and "serah" not in kept.path
    with services.evidence_open(actor=books.fiona, evidence=kept) as handle:
        assert handle.read() == PNG
    assert AuditEvent.objects.filter(action=AuditAction.EVIDENCE_VIEWED, target_id=str(paid.pk)).exists()
    with pytest.raises(NotAllowed):
        services.evidence_open(actor=world.frank, evidence=kept)
    with pytest.raises(DistributionRefused, match="another type"):
        services.evidence_add(
            actor=books.fiona, application=paid, kind="transfer_proof", upload=SimpleUploadedFile("x.exe", b"MZ\x90")
        )


def test_payments_without_evidence_are_flagged_after_the_allowed_days(world, books, paid, settings):
    settings.EVIDENCE_DAYS = 14
    payments = Disbursement.objects.filter(application=paid)
    later = timezone.localdate() + timedelta(days=14)
    assert not selectors.without_evidence(payments).exists()
    assert list(selectors.without_evidence(payments, on=later)) == list(payments)
    services.evidence_add(
        actor=books.fiona, application=paid, kind="signed_receipt", upload=SimpleUploadedFile("ttd.pdf", b"%PDF-1.4 x")
    )
    assert not selectors.without_evidence(payments, on=later).exists()


def test_the_aid_receipt_names_the_person_the_amount_in_words_and_the_program(world, books, paid):
    pdf = services.aid_receipt_pdf(paid)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "aid-receipt.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Siti Aminah" in text and "Rp750.000" in text and "tujuh ratus lima puluh ribu rupiah" in text
    assert "Santunan sembako" in text and paid.tracking_code in text
    with pytest.raises(DistributionRefused, match="approved or paid"):
        services.aid_receipt_pdf(apply_and_recommend(world, books))
