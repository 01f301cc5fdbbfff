"""The follow-up after aid shows every bad field in one round (issue 14 item 4): a missing note and a
day in the future together, and the application stays where it was."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.distribution import services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import AppStatus
from satuatap.distribution.services import evidence_add
from satuatap.distribution.tests.test_rules_and_aftercare import _pay
from satuatap.distribution.tests.test_views import approved, as_user, text_of, url
from tests.scoping_beneficiaries import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_follow_up_shows_the_missing_note_and_the_future_day_together(world, books):
    paula = books.registry.paula
    application = approved(world, books, 500_000)
    _pay(world, books, application)
    application.refresh_from_db()
    evidence_add(actor=paula, application=application, kind="photo", upload=SimpleUploadedFile("s.png", PNG))
    services.application_evidence_complete(actor=paula, application=application)
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = as_user(paula).post(url(application, "follow-up"), {"follow_up-on": future, "follow_up-note": ""})
    html = text_of(response)
    assert response.status_code == 200
    assert "Say what the follow-up found." in html and "A follow-up cannot be dated in the future." in html
    application.refresh_from_db()
    assert application.status == AppStatus.EVIDENCED
    with pytest.raises(DistributionRefused) as refused:
        services.application_follow_up(
            actor=paula, application=application, note=" ", on=timezone.localdate() + timedelta(days=1)
        )
    assert set(refused.value.error_dict) == {"note", "on"}
