"""The catalogue's pages: staff catalogue, service, standard editor, approve and publish, desk settings
(GET and POST, an outsider refused); the public unit page, a standard's page and the PDFs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from satuatap.organizations.models import Role
from satuatap.servicedesk.catalogue import services
from satuatap.servicedesk.models import StandardStatus
from satuatap.servicedesk.tests.test_catalogue_services import FULL, desk, make_service, published  # noqa: F401
from tests.factories import grant


@pytest.fixture
def offered(desk):  # noqa: F811
    service = make_service(desk.alice, desk.branch_a, needs_appointment=True)
    standard = published(desk.alice, desk.hank, service)
    services.desk_settings_save(
        actor=desk.alice, unit=desk.branch_a, whatsapp_line="081226001234", maklumat="Kami siap melayani"
    )
    desk.service, desk.standard = service, standard
    return desk


def test_the_catalogue_lists_services_and_exports(offered, login):
    client = login(offered.alice)
    page = client.get(reverse("servicedesk:services"))
    assert page.status_code == 200 and b"Layanan ZIS" in page.content
    csv = client.get(reverse("servicedesk:services") + "?format=csv")
    assert csv.status_code == 200 and b"ZIS" in csv.content
    xlsx = client.get(reverse("servicedesk:services") + "?format=xlsx")
    assert xlsx.status_code == 200


def test_an_admin_adds_a_service_and_sees_refusals_beside_fields(offered, login):
    client = login(offered.alice)
    bad = client.post(reverse("servicedesk:service_new"), {"code": "ZIS", "name": "", "slot_minutes": 30,
                                                            "slot_capacity": 4})  # fmt: skip
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) >= {"code", "name", "needs_queue"}
    good = client.post(reverse("servicedesk:service_new"), {"code": "KONS", "name": "Konsultasi zakat",
                                                             "needs_queue": "on", "slot_minutes": 30,
                                                             "slot_capacity": 4, "is_active": "on"})  # fmt: skip
    assert good.status_code == 302
    detail = client.get(good["Location"])
    assert b"Konsultasi zakat" in detail.content


def test_the_standard_editor_saves_a_draft_and_the_head_approves_it(offered, login):
    client = login(offered.alice)
    new = client.post(reverse("servicedesk:standard_new", args=[offered.service.pk]))
    assert new.status_code == 302
    draft = offered.service.standards.get(version=2)
    editor = client.get(reverse("servicedesk:standard_edit", args=[draft.pk]))
    assert editor.status_code == 200 and b"14." in editor.content
    data = {key: value for key, value in FULL.items() if isinstance(value, str)}
    data.update({"procedure": "Ambil nomor\nSerahkan berkas", "service_minutes": "15", "is_free": "on",
                 "staff_count": "3", "req-TOTAL_FORMS": "2", "req-INITIAL_FORMS": "0", "req-0-name": "Fotokopi KTP",
                 "req-0-is_mandatory": "on", "req-1-name": ""})  # fmt: skip
    saved = client.post(reverse("servicedesk:standard_edit", args=[draft.pk]), data)
    assert saved.status_code == 302, saved.context["form"].errors
    draft.refresh_from_db()
    assert draft.service_minutes == 15 and [r.name for r in draft.requirements.all()] == ["Fotokopi KTP"]
    # Alice (admin) sees no approve button; the head approves.
    assert b'data-testid="approve"' not in client.get(reverse("servicedesk:standard", args=[draft.pk])).content
    head = login(offered.hank)
    head.post(reverse("servicedesk:standard_approve", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == StandardStatus.APPROVED
    head.post(reverse("servicedesk:standard_publish", args=[draft.pk]),
              {"effective_from": timezone.localdate().isoformat()})  # fmt: skip
    draft.refresh_from_db()
    assert draft.status == StandardStatus.PUBLISHED
    frozen = head.get(reverse("servicedesk:standard_edit", args=[draft.pk]))
    assert frozen.status_code == 302


def test_the_staff_pdf_of_a_version(offered, login):
    response = login(offered.alice).get(reverse("servicedesk:standard_print", args=[offered.standard.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_desk_settings_page_saves_and_refuses_a_bad_number(offered, login):
    client = login(offered.alice)
    assert client.get(reverse("servicedesk:settings")).status_code == 200
    data = {"maklumat": "Janji kami", "whatsapp_line": "999", "recalls_before_no_show": 2, "no_show_rule": "final",
            "no_show_recall_calls": 5, "priority_every": 2, "early_check_in_minutes": 30,
            "late_check_in_minutes": 15, "notify_when_ahead": 3}  # fmt: skip
    bad = client.post(reverse("servicedesk:settings"), data)
    assert bad.status_code == 400 and "whatsapp_line" in bad.context["form"].errors
    data["whatsapp_line"] = "+62 812 2600 1234"
    assert client.post(reverse("servicedesk:settings"), data).status_code == 302


def test_front_office_cannot_change_settings_or_services(offered, login):
    client = login(offered.frank)
    assert client.get(reverse("servicedesk:services")).status_code == 200
    assert client.get(reverse("servicedesk:settings")).status_code == 403
    assert client.get(reverse("servicedesk:service_edit", args=[offered.service.pk])).status_code == 403


def test_an_outsider_cannot_see_another_units_service(offered, login):
    client = login(offered.bob)
    assert client.get(reverse("servicedesk:service", args=[offered.service.pk])).status_code == 404
    assert client.get(reverse("servicedesk:standard", args=[offered.standard.pk])).status_code == 404
    assert client.get(reverse("servicedesk:standard_print", args=[offered.standard.pk])).status_code == 404


def test_the_public_page_lists_services_hours_and_the_whatsapp_line(offered, client):
    url = reverse("servicedesk:public_services", args=["alpha", "bra"])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Layanan ZIS" in text and "Fotokopi KTP" in text and "wa.me/6281226001234" in text
    assert "Layanan%20ZIS" in text  # the prefilled question names the service
    assert 'data-testid="open-now"' in text
    assert client.get(reverse("servicedesk:public_services", args=["alpha", "nope"])).status_code == 404


def test_the_public_standard_page_and_an_older_version(offered, client):
    services.standard_draft(actor=offered.alice, service=offered.service)
    url = reverse("servicedesk:public_standard", args=["alpha", "bra", "zis"])
    page = client.get(url)
    assert page.status_code == 200 and b"PermenPANRB 15/2014" in page.content
    assert client.get(url + "?versi=1").status_code == 200
    assert client.get(url + "?versi=2").status_code == 404  # a draft is never public
    assert client.get(url + "?versi=x").status_code == 404
    assert client.get(reverse("servicedesk:public_standard", args=["alpha", "bra", "none"])).status_code == 404


def test_the_public_pdfs(offered, client):
    pdf = client.get(reverse("servicedesk:standard_pdf", args=["alpha", "bra", "zis"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    for size in ("a4", "a3", "junk"):
        poster = client.get(reverse("servicedesk:maklumat_pdf", args=["alpha", "bra"]) + f"?size={size}")
        assert poster.status_code == 200 and poster["Content-Type"] == "application/pdf"


def test_an_adopted_service_shows_the_parent_standard(offered, login):
    grant(offered.alice, offered.branch_a_sub, Role.ADMIN)
    local = services.service_adopt(actor=offered.alice, unit=offered.branch_a_sub, parent_service=offered.service)
    page = login(offered.alice).get(reverse("servicedesk:service", args=[local.pk]))
    assert page.status_code == 200 and b"<title>" in page.content
    assert b"PermenPANRB" in page.content.split(b"</title>")[1]  # in the page, not its title


def test_the_catalogue_and_public_pages_read_a_fixed_number_of_queries(offered, login, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(c, url):
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    staff = login(offered.alice)
    pages = [
        (staff, reverse("servicedesk:services")),
        (client, reverse("servicedesk:public_services", args=["alpha", "bra"])),
    ]
    before = [counted(c, url) for c, url in pages]
    for code in ("KONS", "BANTU"):
        published(offered.alice, offered.hank, make_service(offered.alice, offered.branch_a, code=code))
    assert [counted(c, url) for c, url in pages] == before
