"""Settings come from the environment; bad values stop start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from satuatap.env import env_bool, env_choice, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "SATUATAP_ENV": "production",
    "SECRET_KEY": "k3y-" + "x9Q2w" * 12,
    "ALLOWED_HOSTS": "zakat.example.org",
    "FIELD_ENCRYPTION_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk=",
    "IDENTIFIER_HASH_KEY": "h" * 40,
    "DATABASE_URL": "sqlite:////tmp/satuatap-deploy-check.sqlite3",
    "SATUATAP_VAR_DIR": "/tmp/satuatap-deploy-var",
}


def run_manage(*args, env=None):
    drop = ("SATUATAP_", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "ALLOWED_HOSTS")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_typed_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_str("X_SECRET") == "from-a-file"
    assert env_str("X_MISSING", "default") == "default"


@pytest.mark.parametrize(
    ("name", "value", "call"),
    [
        ("X_BOOL", "maybe", lambda: env_bool("X_BOOL")),
        ("X_INT", "forty", lambda: env_int("X_INT", 1)),
        ("X_INT", "-3", lambda: env_int("X_INT", 1, minimum=0)),
        ("X_CHOICE", "staging", lambda: env_choice("X_CHOICE", ("development", "production"), "development")),
        ("X_FILE_FILE", "/nonexistent/secret", lambda: env_str("X_FILE")),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, name, value, call):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name.removesuffix("_FILE")):
        call()


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_identifier_keys():
    env = {**PRODUCTION, "FIELD_ENCRYPTION_KEYS": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_bad_database_url_is_a_clear_start_up_error():
    result = run_manage("check", env={"DATABASE_URL": "mysqlx://nowhere"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_operator_admin_pages_open_for_a_superuser(db, client, django_user_model):
    operator = django_user_model.objects.create_superuser("operator", "op@example.test", "x-long-password-1")
    client.force_login(operator)
    for url in (
        "/operator/",
        "/operator/ledger/journalentry/",
        "/operator/ledger/account/",
        "/operator/organizations/unit/",
        "/operator/audit/auditevent/",
    ):
        assert client.get(url).status_code == 200, url
