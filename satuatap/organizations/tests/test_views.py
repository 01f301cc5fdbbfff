import pytest
from django.test import Client

from satuatap.audit.models import AuditEvent
from satuatap.organizations.middleware import SESSION_KEY
from satuatap.organizations.models import Membership, Unit
from tests.factories import grant


@pytest.fixture
def as_user():
    def _as(user):
        client = Client()
        client.force_login(user)
        return client

    return _as


def test_tree_shows_the_active_unit_and_loads_children_with_htmx(world, as_user):
    client = as_user(world.alice)
    page = client.get("/units/")
    assert page.status_code == 200
    assert "Cabang Anggrek" in page.content.decode()
    fragment = client.get(f"/units/{world.branch_a.pk}/children/", HTTP_HX_REQUEST="true")
    assert "Layanan Anggrek" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_creating_a_unit_through_the_form(world, as_user):
    client = as_user(world.alice)
    response = client.post(
        f"/units/{world.branch_a.pk}/add/",
        {"kind": "service", "name": "Loket Zakat", "code": "lz1", "time_zone": "Asia/Jakarta"},
    )
    unit = Unit.objects.get(code="LZ1")
    assert response.status_code == 302 and response["Location"] == f"/units/{unit.pk}/"
    assert unit.institution_id == world.alpha.pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "service", "name": "X", "code": "bad code!", "time_zone": "Asia/Jakarta"}, "code"),
        ({"kind": "service", "name": "X", "code": "BRAS1", "time_zone": "Asia/Jakarta"}, "code"),
        ({"kind": "service", "name": "X", "code": "OK1", "time_zone": "Europe/Paris"}, "time_zone"),
        ({"kind": "region", "name": "X", "code": "OK1", "time_zone": "Asia/Jakarta"}, "kind"),
        ({"kind": "service", "name": "", "code": "OK1", "time_zone": "Asia/Jakarta"}, "name"),
    ],
)
def test_bad_unit_input_gets_a_field_message_and_saves_nothing(world, as_user, data, field):
    client = as_user(world.alice)
    before = Unit.objects.count()
    response = client.post(f"/units/{world.branch_a.pk}/add/", data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert Unit.objects.count() == before


def test_moving_a_unit_under_its_own_descendant_is_refused_in_the_form(world, as_user):
    client = as_user(world.carol)
    response = client.post(f"/units/{world.branch_a.pk}/move/", {"new_parent": world.branch_a_sub.pk})
    # The descendant is not even offered as a choice.
    assert response.status_code == 200
    assert response.context["form"].errors["new_parent"]
    moved = client.post(f"/units/{world.branch_a.pk}/move/", {"new_parent": world.region.pk})
    assert moved.status_code == 302
    world.branch_a.refresh_from_db()
    assert Unit.objects.get_parent(world.branch_a).pk == world.region.pk


def test_editing_shows_old_and_new_values_in_history(world, as_user):
    client = as_user(world.alice)
    client.post(
        f"/units/{world.branch_a.pk}/edit/",
        {"kind": "branch", "name": "Cabang Anggrek Baru", "code": "BRA", "time_zone": "Asia/Makassar"},
    )
    auditor = as_user(world.audrey)
    history = auditor.get(f"/units/{world.branch_a.pk}/history/").content.decode()
    assert "Cabang Anggrek Baru" in history
    assert "Zona waktu</strong>: WIB (UTC+7) → WITA (UTC+8)" in history


def test_times_are_shown_in_the_active_units_zone(world, as_user):
    from satuatap.organizations import services

    services.unit_update(actor=world.alice, unit=world.branch_a, time_zone="Asia/Jayapura")
    event = AuditEvent.objects.latest("at")
    client = as_user(world.audrey)
    page = client.get("/audit/").content.decode()
    from zoneinfo import ZoneInfo

    local = event.at.astimezone(ZoneInfo("Asia/Jayapura"))
    assert f"{local:%H}.{local:%M}" in page


def test_granting_a_role_and_creating_staff(world, as_user):
    client = as_user(world.alice)
    response = client.post(
        "/memberships/new-staff/",
        {
            "username": "siti.amil",
            "full_name": "Siti Aminah",
            "email": "",
            "password": "Kudus-zakat-2026",
            "unit": world.branch_a_sub.pk,
            "role": "front_office",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    membership = Membership.objects.get(user__username="siti.amil")
    assert membership.unit_id == world.branch_a_sub.pk
    weak = client.post(
        "/memberships/new-staff/",
        {"username": "budi", "full_name": "Budi", "password": "12345", "unit": world.branch_a.pk, "role": "finance"},
    )
    assert weak.context["form"].errors["password"]


def test_ending_a_role(world, as_user):
    client = as_user(world.alice)
    response = client.post(f"/memberships/{world.memberships.frank.pk}/end/", {"note": "mutasi"})
    assert response.status_code == 302
    world.memberships.frank.refresh_from_db()
    assert not world.memberships.frank.is_active
    own = client.post(f"/memberships/{world.memberships.alice.pk}/end/", {"note": ""})
    assert own.status_code == 200 and own.context["form"].non_field_errors()


def test_membership_export_is_a_csv_excel_opens(world, as_user):
    response = as_user(world.alice).get("/memberships/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "frank" in text and "bob" not in text


def test_unit_export_lists_the_subtree_with_parent_codes(world, as_user):
    text = as_user(world.carol).get("/units/export/").content.decode()
    assert "BRAS1" in text and ",BRA," in text


def test_switching_the_active_unit(world, as_user):
    second = grant(world.alice, world.branch_a_sub, "finance")
    client = as_user(world.alice)
    response = client.post("/switch-unit/", {"membership": second.pk, "next": "/units/"})
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert client.session[SESSION_KEY] == second.pk
    assert client.get("/").context["request"].active_unit == world.branch_a_sub
    foreign = client.post("/switch-unit/", {"membership": world.memberships.bob.pk})
    assert foreign.status_code == 400
    offsite = client.post("/switch-unit/", {"membership": second.pk, "next": "https://evil.example/"})
    assert offsite["Location"] == "/"


def test_user_without_a_role_is_told_what_to_do(world, as_user):
    response = as_user(world.nina).get("/units/")
    assert response.status_code == 403
    assert "administrator" in response.content.decode().lower() or "administrator" in response.content.decode()


def test_unknown_unit_is_a_friendly_404(world, as_user):
    response = as_user(world.alice).get("/units/999999/")
    assert response.status_code == 404
    assert "Satu Atap" in response.content.decode()


def test_every_table_downloads_as_excel(world, as_user):
    from tests.scoping import response_text

    client = as_user(world.carol)
    for url in ("/units/export/?format=xlsx", "/memberships/?format=xlsx", "/audit/?format=xlsx"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
        assert b"ALPHA" in response_text(response), url
