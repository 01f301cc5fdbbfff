"""How the registry's pages read: the duplicate panel in percentages throughout, the assessment's
dwelling section not called by the navigation's "Home" (Beranda)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from satuatap.beneficiaries import matching

pytestmark = pytest.mark.django_db


def test_a_duplicates_name_similarity_reads_as_a_percentage_like_its_score(registry):
    siti = registry.siti
    with translation.override("en"):
        candidate = matching.score(matching.Probe(full_name=siti.full_name + "h"), siti)
    name_reasons = [r for r in candidate.reasons if r.startswith("name ")]
    assert len(name_reasons) == 1 and re.fullmatch(r"name \d{1,3}%", name_reasons[0]), candidate.reasons


def test_the_assessment_calls_the_dwelling_section_otherwise_than_the_home_page(world, registry):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    client.force_login(registry.paula)
    html = client.get(f"/beneficiaries/{registry.siti.pk}/assess/").content.decode()
    headings = re.findall(r'<h2 class="h6[^"]*">([^<]+)</h2>', html)
    assert headings, "the assessment's sections have headings"
    assert "Beranda" not in headings
