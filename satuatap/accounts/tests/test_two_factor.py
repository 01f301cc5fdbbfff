"""Two-factor authentication (TOTP, django-otp): who must use it, enrolment, the code at login,
backup codes, lockout after wrong codes, and the administrator's reset."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satuatap.accounts.services import two_factor as tf
from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditEvent
from satuatap.organizations.models import Role
from tests.factories import PASSWORD, UserFactory, grant

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    """The real enforcement (the root conftest turns it off for the rest of the suite)."""
    settings.REQUIRE_2FA = True
    cache.clear()  # per-address counters of failed logins
    yield
    cache.clear()


def password_login(user, address="10.1.1.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def enrol(user, backup=("abcd2345",)) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    for code in backup:
        StaticToken.objects.create(device=static, token=code)
    return device


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def verified_client(user, address="10.1.1.1") -> Client:
    device = enrol(user)
    client = password_login(user, address)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    return client


# --- who must use it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.HEAD])
def test_protected_roles_must_set_up_a_phone_before_any_page(world, role):
    user = UserFactory(username=f"staff-{role}")
    grant(user, world.branch_a, role)
    client = password_login(user)
    response = client.get("/collection/donations/?page=1")
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=%2Fcollection%2Fdonations%2F%3Fpage%3D1"
    assert client.get("/units/").status_code == 302


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.PROGRAM, Role.AUDITOR])
def test_other_roles_are_not_asked(world, role):
    user = UserFactory(username=f"staff-{role}")
    grant(user, world.branch_a, role)
    client = password_login(user)
    assert client.get("/").status_code == 200


def test_a_protected_role_on_any_unit_is_enough(world):
    grant(world.frank, world.branch_b_sub, Role.FINANCE)
    assert tf.two_factor_required(world.frank)
    assert not tf.two_factor_required(world.audrey)


def test_operators_of_the_django_admin_must_use_it(db, django_user_model):
    django_user_model.objects.create_superuser("operator", "op@example.test", PASSWORD)
    client = Client()
    client.post("/operator/login/", {"username": "operator", "password": PASSWORD, "next": "/operator/"})
    response = client.get("/operator/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_a_small_office_may_turn_the_requirement_off(world, settings):
    settings.REQUIRE_2FA = False
    client = password_login(world.alice)
    assert client.get("/").status_code == 200


def test_whoever_has_set_up_a_phone_is_asked_even_when_not_required(world, settings):
    settings.REQUIRE_2FA = False
    enrol(world.frank)
    client = password_login(world.frank)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_logging_out_and_the_language_switch_stay_open(world):
    client = password_login(world.alice)
    assert client.post("/i18n/setlang/", {"language": "en", "next": SETUP}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith("/accounts/login/")


def test_htmx_requests_are_sent_to_the_code_page_by_header(world):
    enrol(world.alice)
    client = password_login(world.alice)
    response = client.get("/units/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].startswith(VERIFY)


def test_an_unverified_session_cannot_use_the_api(world):
    enrol(world.alice)
    client = password_login(world.alice)
    response = client.get("/api/v1/units")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_an_api_token_is_not_asked_for_a_code(world):
    enrol(world.alice)
    _token, key = api_token_create(actor=world.alice, name="script")
    response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


# --- enrolment -----------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_and_turns_on_with_a_code(world):
    client = password_login(world.alice)
    page = client.get(SETUP + "?next=/ledger/")
    html = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert secret == tf.secret_for_display(device).replace(" ", "")
    assert client.get(SETUP).content.decode().count(tf.secret_for_display(device)) == 1  # same secret on reload
    assert page["Cache-Control"].startswith("max-age=0")

    response = client.post(SETUP, {"code": code_for(device), "next": "/ledger/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/backup-codes/")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"]).content.decode()
    shown = re.findall(r'<li class="col mb-1">([a-z2-7]{4})-([a-z2-7]{4})</li>', codes_page)
    assert len(shown) == 10
    assert sorted(a + b for a, b in shown) == sorted(
        StaticToken.objects.filter(device__user=world.alice).values_list("token", flat=True)
    )
    assert 'href="/ledger/"' in codes_page
    assert "abcd" not in client.get("/accounts/two-factor/backup-codes/").content.decode()  # shown once only
    assert client.get("/").status_code == 200  # this session is verified


def test_a_wrong_code_at_enrolment_is_explained_and_nothing_is_turned_on(world):
    client = password_login(world.alice)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=world.alice).exists()


def test_with_a_phone_but_no_code_yet_the_phone_cannot_be_replaced(world):
    """Someone who knows only the password must not swap the phone for their own."""
    enrol(world.alice)
    client = password_login(world.alice)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=world.alice, confirmed=False).exists()


def test_a_verified_user_may_replace_the_phone_and_the_old_one_stops(world):
    client = verified_client(world.alice)
    old = TOTPDevice.objects.get(user=world.alice)
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    assert client.post(SETUP, {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=world.alice).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_front_office_may_turn_it_on_and_off_but_an_admin_may_not_turn_it_off(world):
    client = password_login(world.frank)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.frank)
    client.post(SETUP, {"code": code_for(device)})
    assert tf.enrolled(world.frank)
    assert client.post("/accounts/two-factor/off/").status_code == 302
    assert not tf.enrolled(world.frank) and not StaticDevice.objects.filter(user=world.frank).exists()
    assert client.get("/").status_code == 200

    admin = verified_client(world.alice, "10.1.1.2")
    admin.post("/accounts/two-factor/off/")
    assert tf.enrolled(world.alice)


def test_new_backup_codes_replace_the_old_ones(world):
    client = verified_client(world.alice)
    assert client.post("/accounts/two-factor/backup-codes/").status_code == 302
    tokens = set(StaticToken.objects.filter(device__user=world.alice).values_list("token", flat=True))
    assert len(tokens) == 10 and "abcd2345" not in tokens
    assert client.get("/accounts/two-factor/").context["codes_left"] == 10


# --- the code at login ---------------------------------------------------------------------------


def test_after_the_password_the_code_from_the_phone_lets_the_user_in(world):
    device = enrol(world.alice)
    client = password_login(world.alice)
    response = client.get("/ledger/")
    assert response["Location"] == VERIFY + "?next=%2Fledger%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"sa-navbar" not in page.content  # no menu before the code
    response = client.post(VERIFY, {"code": code_for(device), "next": "/ledger/"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"
    assert client.get("/").status_code == 200


def test_the_next_address_may_not_lead_to_another_site(world):
    device = enrol(world.alice)
    client = password_login(world.alice)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_code_is_accepted_only_once(world):
    device = enrol(world.alice)
    code = code_for(device)
    first = password_login(world.alice)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = password_login(world.alice, "10.1.1.3")
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200 and response.context["form"].errors["code"]


def test_a_backup_code_works_once(world, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    enrol(world.alice, backup=("abcd2345", "efgh6723"))
    client = password_login(world.alice)
    assert client.post(VERIFY, {"code": "ABCD-2345"}).status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]
    again = password_login(world.alice, "10.1.1.4")
    assert again.post(VERIFY, {"code": "abcd2345"}).status_code == 200


def test_wrong_codes_lock_like_wrong_passwords_and_a_password_does_not_unlock(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the lockout is tested here
    device = enrol(world.alice)
    client = password_login(world.alice)
    for _ in range(2):
        response = client.post(VERIFY, {"code": "123456"})
        assert response.status_code == 200
    locked = client.post(VERIFY, {"code": "654321"})
    assert locked.status_code == 429
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith("/accounts/login/")

    # The right password again (which resets the password counter) does not reset the code counter.
    client = password_login(world.alice)
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 429
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_the_phone_slows_down_guessing_between_tries(world):
    device = enrol(world.alice)
    client = password_login(world.alice)
    client.post(VERIFY, {"code": "123456"})
    response = client.post(VERIFY, {"code": code_for(device)})  # at once: too soon after a wrong one
    assert response.status_code == 200
    assert "tunggu 1 detik" in response.context["form"].errors["code"][0]  # "wait 1 second", in Indonesian


def test_the_code_page_without_login_sends_to_login(db):
    response = Client().get(VERIFY)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- reset by an administrator ------------------------------------------------------------------


def test_an_institution_admin_resets_a_lost_phone_with_an_audit_event(world):
    alice_session = verified_client(world.alice, "10.1.1.5")
    carol = verified_client(world.carol, "10.1.1.6")
    url = f"/accounts/two-factor/staff/{world.memberships.alice.pk}/reset/"
    assert carol.get(url).status_code == 200
    assert carol.post(url, {"note": ""}).status_code == 200  # a reason is required
    response = carol.post(url, {"note": "HP hilang 3 Maret"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert not StaticDevice.objects.filter(user=world.alice).exists()
    event = AuditEvent.objects.get(action=tf.TWO_FACTOR_RESET)
    assert event.actor == world.carol and event.target_id == str(world.alice.pk) and event.unit == world.branch_a
    assert event.note == "HP hilang 3 Maret"

    # Alice's open session is ended; at her next login she sets up a new phone.
    response = alice_session.get("/")
    assert response.status_code == 302
    assert alice_session.get(response["Location"])["Location"].startswith("/accounts/login/")
    fresh = password_login(world.alice, "10.1.1.7")
    assert fresh.get("/")["Location"].startswith(SETUP)


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("bob", "alice"),  # admin of another branch
        ("eve", "alice"),  # admin of another institution
        ("alice", "carol"),  # a branch admin cannot reach the root admin's role
        ("audrey", "frank"),  # an auditor manages no roles
    ],
)
def test_outsiders_cannot_reset(world, actor, target):
    actor_user, target_user = getattr(world, actor), getattr(world, target)
    enrol(target_user)
    client = verified_client(actor_user, "10.2.2.2")
    membership = target_user.memberships.first()
    for method in ("get", "post"):
        response = getattr(client, method)(f"/accounts/two-factor/staff/{membership.pk}/reset/", {"note": "x"})
        assert response.status_code in (403, 404)
    assert tf.enrolled(target_user)
    assert not AuditEvent.objects.filter(action=tf.TWO_FACTOR_RESET).exists()


def test_a_branch_admin_cannot_reset_someone_who_also_holds_a_role_above(world):
    grant(world.frank, world.region, Role.HEAD)
    enrol(world.frank)
    client = verified_client(world.alice)
    response = client.post(f"/accounts/two-factor/staff/{world.memberships.frank.pk}/reset/", {"note": "x"})
    assert response.status_code == 403
    assert tf.enrolled(world.frank)


def test_the_staff_overview_shows_who_has_it_within_the_unit_only(world):
    enrol(world.frank)
    client = verified_client(world.alice)
    page = client.get("/accounts/two-factor/staff/").content.decode()
    assert "frank" in page and "SECRET" not in page and "bobsecret" not in page
    assert f"/accounts/two-factor/staff/{world.memberships.frank.pk}/reset/" in page
    counter = UserFactory(username="counter")
    grant(counter, world.branch_a, Role.FRONT_OFFICE)
    for user in (counter, world.nina):
        client.force_login(user)
        assert client.get("/accounts/two-factor/staff/").status_code == 403


# --- throttling of the login itself ------------------------------------------------------------


def test_one_address_failing_on_many_usernames_is_refused_for_a_while(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    client = Client(REMOTE_ADDR="10.9.9.9")
    for name in ("alice", "bobsecret", "carol", "frank"):
        assert client.post("/accounts/login/", {"username": name, "password": "Musim-hujan-1"}).status_code == 200
    refused = client.post("/accounts/login/", {"username": "audrey", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.9.9.10").post("/accounts/login/", {"username": "audrey", "password": PASSWORD})[
        "Location"
    ] == ("/")


def test_the_operator_login_is_limited_per_address_too(db, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="10.9.9.11")
    for _ in range(2):
        client.post("/operator/login/", {"username": "root", "password": "nope-nope-1"})
    assert client.post("/operator/login/", {"username": "root", "password": "nope-nope-1"}).status_code == 429


def test_the_language_switch_is_rate_limited(db):
    client = Client(REMOTE_ADDR="10.9.9.12")
    answers = [client.post("/i18n/setlang/", {"language": "en"}).status_code for _ in range(61)]
    assert answers[:60] == [302] * 60 and answers[60] == 429
