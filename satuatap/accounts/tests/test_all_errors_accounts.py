"""The account forms name every mistake in one round (issue 14 item 4). Django checks the password
rules only once the two new passwords match; a weak password then showed only on the next try.

The login answers one "wrong username or password" for any wrong pair on purpose (it must not say
which was wrong); only two empty boxes are two mistakes. The reset request, the administrator's reset
and the two-factor forms have one field each."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD

NUMERIC = "This password is entirely numeric."
MISMATCH = "The two password fields didn’t match."


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # per-address counters of the login and the reset
    yield
    cache.clear()


def _english(user=None) -> Client:
    client = Client()
    client.cookies["satuatap_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _password_of(user) -> str:
    user.refresh_from_db()
    return user.password


def test_the_login_names_both_empty_boxes_at_once(world):
    response = _english().post("/accounts/login/", {"username": "", "password": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "password"}


def test_the_password_change_shows_a_wrong_old_password_a_weak_new_one_and_a_mismatch_together(world):
    before = _password_of(world.alice)
    data = {"old_password": "not-my-password", "new_password1": "2026202620", "new_password2": "2026202621"}
    response = _english(world.alice).post("/accounts/password/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"old_password", "new_password1", "new_password2"}, errors
    assert NUMERIC in errors["new_password1"] and MISMATCH in errors["new_password2"]
    assert _password_of(world.alice) == before


def test_the_password_change_shows_a_wrong_old_password_beside_a_weak_new_one(world):
    before = _password_of(world.alice)
    data = {"old_password": "not-my-password", "new_password1": "2026202620", "new_password2": "2026202620"}
    response = _english(world.alice).post("/accounts/password/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"old_password", "new_password2"}, errors
    assert NUMERIC in errors["new_password2"]
    assert _password_of(world.alice) == before
    assert _english().post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_a_new_password_by_link_shows_a_weak_password_beside_the_mismatch(world):
    before = _password_of(world.frank)
    uid = urlsafe_base64_encode(force_bytes(world.frank.pk))
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(world.frank)},
    )
    client = _english()
    form_page = client.get(link)  # Django moves the token into the session and redirects
    assert form_page.status_code == 302
    response = client.post(form_page["Location"], {"new_password1": "2026202620", "new_password2": "2026202621"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert NUMERIC in errors["new_password1"] and MISMATCH in errors["new_password2"], errors
    assert _password_of(world.frank) == before
