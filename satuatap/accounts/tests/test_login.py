import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import PASSWORD


def test_login_and_logout(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_explained(world):
    response = Client().post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_repeated_failures_lock_the_account_for_a_while(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "alice" not in locked.content.decode()


def test_password_change(world):
    client = Client()
    client.force_login(world.alice)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Baru-sekali-2026!", "new_password2": "Baru-sekali-2026!"},
    )
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password("Baru-sekali-2026!")


def test_passwords_are_hashed_with_argon2():
    from satuatap import settings as project_settings  # the module, not the per-test fast override

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize("language,expected", [("id", "Masuk"), ("en", "Log in")])
def test_login_page_speaks_the_chosen_language(client, language, expected):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    assert expected in client.get("/accounts/login/").content.decode()


def test_indonesian_is_the_default_whatever_the_browser_asks(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in page
