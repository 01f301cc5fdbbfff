"""Fewer screens to eligibility: the asnaf an assessment suggests is applied, with the reason, and
the person verified, in one step from the assessment or the application page; only by a role that
verifies; audited; every refusal at once."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.errors import BeneficiaryRefused
from satuatap.beneficiaries.models import Status
from satuatap.beneficiaries.tests.conftest import person
from satuatap.core.errors import NotAllowed
from satuatap.distribution import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def unclassified(world, books):
    """Budi: assessed as poor (the assessment suggests an asnaf), still not classified, with an application."""
    paula = books.registry.paula
    budi = person(paula, world.branch_a, "Budi Santoso", birth_date=date(1975, 11, 2), sex="M")
    assessment = registry_services.assessment_record(
        actor=paula, beneficiary=budi, unit=world.branch_a, household_size=5, dependants=4,
        monthly_income=300_000, housing="rented", housing_condition="unfit",
    )  # fmt: skip
    application = services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=budi,
        need="Makan sehari-hari", requested_amount=500_000,
    )  # fmt: skip
    budi.refresh_from_db()
    assert budi.status == Status.ASSESSED and not budi.asnaf and assessment.recommended_asnaf
    return budi, assessment, application


def test_one_action_on_the_application_makes_the_person_eligible(books, unclassified):
    budi, assessment, application = unclassified
    page = as_user(books.registry.paula).get(f"/distribution/applications/{application.pk}/")
    assert b"Not eligible under this program" in page.content
    assert b'data-testid="make-eligible"' in page.content

    response = as_user(books.registry.paula).post(
        f"/distribution/applications/{application.pk}/make-eligible/",
        {"make_eligible-reason": "Visited: no fixed income"},
        follow=True,
    )

    budi.refresh_from_db()
    assert (budi.asnaf, budi.asnaf_reason, budi.status) == (
        assessment.recommended_asnaf, "Visited: no fixed income", Status.VERIFIED,
    )  # fmt: skip
    assert b"The person is eligible under this program." in response.content
    assert b"and verified" in response.content
    events = AuditEvent.objects.filter(target_id=str(budi.pk)).values_list("action", flat=True)
    assert AuditAction.BENEFICIARY_UPDATED in events and AuditAction.BENEFICIARY_STATUS in events


def test_the_assessment_page_applies_its_suggestion(books, unclassified):
    budi, assessment, _application = unclassified
    client = as_user(books.hank)  # an office head verifies too
    page = client.get(f"/beneficiaries/assessments/{assessment.pk}/")
    assert b'data-testid="apply-suggestion"' in page.content
    assert b"Assessment of" in page.content  # the reason is offered from what the assessment found

    response = client.post(f"/beneficiaries/assessments/{assessment.pk}/apply/", {"reason": "Sesuai survei"})

    assert response.status_code == 302
    budi.refresh_from_db()
    assert budi.status == Status.VERIFIED and budi.asnaf == assessment.recommended_asnaf


@pytest.mark.parametrize("who", ["frank", "fiona"])
def test_a_role_that_does_not_verify_is_refused_with_a_clear_message(world, books, unclassified, who):
    budi, assessment, application = unclassified
    user = world.frank if who == "frank" else books.fiona
    with pytest.raises(NotAllowed, match="Only a program officer or an office head"):
        registry_services.assessment_apply(actor=user, assessment=assessment, reason="x")

    client = as_user(user)
    assert b'data-testid="make-eligible"' not in client.get(f"/distribution/applications/{application.pk}/").content
    response = client.post(f"/distribution/applications/{application.pk}/make-eligible/", {"make_eligible-reason": "x"})
    assert response.status_code == 403
    assert b"Only a program officer or an office head" in response.content
    assert client.post(f"/beneficiaries/assessments/{assessment.pk}/apply/", {"reason": "x"}).status_code == 403
    budi.refresh_from_db()
    assert budi.status == Status.ASSESSED and not budi.asnaf
    assert not AuditEvent.objects.filter(target_id=str(budi.pk), action=AuditAction.BENEFICIARY_UPDATED).exists()


def test_every_refusal_is_said_at_once(world, books, unclassified):
    budi, old, application = unclassified
    paula = books.registry.paula
    registry_services.assessment_record(
        actor=paula, beneficiary=budi, unit=world.branch_a, household_size=5, dependants=4,
        monthly_income=300_000, housing="rented", housing_condition="unfit",
    )  # fmt: skip
    with pytest.raises(BeneficiaryRefused) as refused:
        registry_services.assessment_apply(actor=paula, assessment=old, reason="  ")
    messages = " ".join(m for ms in refused.value.message_dict.values() for m in ms)
    assert "A newer assessment" in messages and "Give the reason for this asnaf." in messages

    response = as_user(paula).post(
        f"/distribution/applications/{application.pk}/make-eligible/", {"make_eligible-reason": ""}
    )
    assert response.status_code == 200
    assert b"Give the reason for this asnaf." in response.content
    budi.refresh_from_db()
    assert budi.status == Status.ASSESSED


def test_a_suggestion_of_no_asnaf_is_not_offered_and_refused(world, books):
    paula = books.registry.paula
    rich = person(paula, world.branch_a, "Orang Mampu", birth_date=date(1975, 11, 2), sex="M")
    assessment = registry_services.assessment_record(
        actor=paula, beneficiary=rich, unit=world.branch_a, household_size=1, dependants=0,
        monthly_income=50_000_000, housing="owned", housing_condition="good",
    )  # fmt: skip
    assert not assessment.recommended_asnaf
    assert b"apply-suggestion" not in as_user(paula).get(f"/beneficiaries/assessments/{assessment.pk}/").content
    with pytest.raises(BeneficiaryRefused, match="suggests no asnaf"):
        registry_services.assessment_apply(actor=paula, assessment=assessment, reason="x")
