"""Password reset: by the person through a one-time link sent by e-mail through the outbox, and by an
administrator of the person's units. Rate-limited, audited, silent about which accounts exist, and
never a way around the second factor."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from satuatap.accounts import services
from satuatap.accounts.tests.test_two_factor import VERIFY, enrol, verified_client
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.core.errors import NotAllowed
from satuatap.outbox.models import Message
from tests.factories import PASSWORD

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "kuda-lumping-sembilan-99"


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()  # per-address counters
    yield
    cache.clear()


def link_in(message: Message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("testserver", 1)[1]


def ask(client, email):
    return client.post(RESET, {"email": email}, HTTP_ACCEPT_LANGUAGE="en")


def choose(client, link, password=NEW_PASSWORD):
    form_page = client.get(link)  # Django moves the token into the session and redirects
    assert form_page.status_code == 302, form_page.status_code
    return client.post(form_page["Location"], {"new_password1": password, "new_password2": password})


def test_the_login_page_links_to_the_reset(db):
    page = Client().get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in page


def test_a_person_gets_a_link_through_the_outbox_and_chooses_a_new_password(world, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "FRANK@example.test")  # the address as typed, in any case
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    message = Message.objects.get(reference=f"password-reset:{world.frank.pk}")
    assert message.recipient == "frank@example.test" and message.unit == world.branch_a
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["frank@example.test"]  # delivered after commit
    requested = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET_REQUESTED)
    assert requested.target_id == str(world.frank.pk) and requested.actor is None

    done = choose(Client(), link_in(message))
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    world.frank.refresh_from_db()
    assert world.frank.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET)
    assert event.actor == world.frank and event.unit == world.branch_a
    # The link works once.
    again = Client().get(link_in(message))
    assert again.status_code == 200 and 'data-testid="link-invalid"' in again.content.decode()
    assert Client().post("/accounts/login/", {"username": "frank", "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("email", ["nobody@example.test", "nina@example.test", "not an address"])
def test_the_answer_does_not_say_whether_an_account_exists(world, email):
    """Nina has an account but no role; nobody has none; the page is the same and nothing is sent."""
    known = ask(Client(), "frank@example.test")
    unknown = ask(Client(), email)
    if "@" in email:
        assert unknown.status_code == known.status_code == 302 and unknown["Location"] == known["Location"]
    assert Message.objects.count() == 1


def test_an_inactive_account_or_an_operator_gets_no_link(world, django_user_model):
    world.frank.is_active = False
    world.frank.save()
    django_user_model.objects.create_superuser("root", "root@example.test", PASSWORD)
    for email in ("frank@example.test", "root@example.test"):
        assert ask(Client(), email).status_code == 302
    assert not Message.objects.exists()


def test_asking_is_rate_limited_per_address_and_links_per_account(world):
    client = Client(REMOTE_ADDR="10.3.3.3")
    for _ in range(5):
        assert ask(client, "frank@example.test").status_code == 302
    refused = ask(client, "frank@example.test")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # At most three links an hour reach one account, however many addresses ask.
    assert Message.objects.filter(reference=f"password-reset:{world.frank.pk}").count() == 3
    assert ask(Client(REMOTE_ADDR="10.4.4.4"), "frank@example.test").status_code == 302
    assert Message.objects.filter(reference=f"password-reset:{world.frank.pk}").count() == 3


def test_a_new_password_does_not_skip_the_second_factor(world, settings):
    settings.REQUIRE_2FA = True
    enrol(world.alice)
    ask(Client(), "alice@example.test")
    client = Client()
    done = choose(client, link_in(Message.objects.get()))
    assert done.status_code == 302
    # Not logged in by the reset; the login with the new password asks for the code.
    assert client.get("/")["Location"].startswith("/accounts/login/")
    login = client.post("/accounts/login/", {"username": "alice", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.get("/")["Location"].startswith(VERIFY)


def test_an_admin_resets_a_password_within_their_units(world):
    frank_session = Client()
    frank_session.force_login(world.frank)
    alice = verified_client(world.alice, "10.5.5.5")
    url = f"/accounts/staff/{world.memberships.frank.pk}/password-reset/"
    assert alice.get(url).status_code == 200
    assert alice.post(url, {"note": ""}).status_code == 200  # a reason is required
    response = alice.post(url, {"note": "Lupa kata sandi, datang langsung"})
    assert response.status_code == 302
    world.frank.refresh_from_db()
    assert not world.frank.has_usable_password()  # the old password stops working at once
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET_BY_ADMIN)
    assert event.actor == world.alice and event.target_id == str(world.frank.pk)
    assert event.note == "Lupa kata sandi, datang langsung" and event.unit == world.branch_a
    # Frank's open session ends; he chooses a new password with the link sent to him.
    assert frank_session.get("/").status_code == 302
    message = Message.objects.get(reference=f"password-reset:{world.frank.pk}")
    assert message.created_by == world.alice and message.recipient == "frank@example.test"
    assert choose(Client(), link_in(message)).status_code == 302
    world.frank.refresh_from_db()
    assert world.frank.check_password(NEW_PASSWORD)
    # The admin's page of staff offers the reset.
    assert url in alice.get("/accounts/two-factor/staff/").content.decode()


def test_an_admin_cannot_reset_a_person_without_an_email_address(world):
    world.frank.email = ""
    world.frank.save()
    alice = verified_client(world.alice, "10.5.5.6")
    response = alice.post(f"/accounts/staff/{world.memberships.frank.pk}/password-reset/", {"note": "x"})
    assert response.status_code == 200 and "no e-mail address" in response.content.decode()
    world.frank.refresh_from_db()
    assert world.frank.check_password(PASSWORD) and not Message.objects.exists()


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("bob", "frank"),  # admin of another branch
        ("eve", "frank"),  # admin of another institution
        ("alice", "carol"),  # a branch admin cannot reach the root admin
        ("alice", "alice"),  # nor themself
        ("audrey", "frank"),  # an auditor manages no roles
        ("frank", "audrey"),  # nor does the front office
    ],
)
def test_outsiders_cannot_reset_a_password(world, actor, target):
    actor_user, target_user = getattr(world, actor), getattr(world, target)
    client = Client()
    client.force_login(actor_user)
    membership = target_user.memberships.first()
    for method in ("get", "post"):
        response = getattr(client, method)(f"/accounts/staff/{membership.pk}/password-reset/", {"note": "x"})
        assert response.status_code in (403, 404)
    target_user.refresh_from_db()
    assert target_user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET_BY_ADMIN).exists()
    with pytest.raises(NotAllowed):
        services.password_reset_by_admin(actor=actor_user, user=target_user)
