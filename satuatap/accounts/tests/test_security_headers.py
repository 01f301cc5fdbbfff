"""Security headers (CSP, Permissions-Policy, HSTS, cookies), pages without inline script, and
session expiry."""

import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from satuatap.accounts.services.two_factor import SESSION_LOGIN_AT, SESSION_SEEN_AT
from satuatap.core.security import CONTENT_SECURITY_POLICY, HTMX_INDICATOR_STYLE, SecurityHeadersMiddleware
from tests.factories import PASSWORD
from tests.scoping import staff_views
from tests.test_scoping_matrix import books  # noqa: F401  (the matrix's objects, for pages with content)

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(p for p in (ROOT / "satuatap").rglob("*.html") if "templates" in p.parts)


class InlineScriptFinder(HTMLParser):
    """Collects <script> elements without src (except JSON data blocks) and on* handler attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
        if name_is_href_js(names):
            self.problems.append(f"<{tag} href=javascript:...>")
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.problems.append("<script> without src")


def name_is_href_js(attrs: dict) -> bool:
    return any((attrs.get(key) or "").strip().lower().startswith("javascript:") for key in ("href", "action", "src"))


def inline_script_problems(html: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(html)
    return finder.problems


# --- templates and pages carry no inline script ---------------------------------------------------

# In a template, handlers may hide in template syntax the HTML parser cannot follow; a plain
# pattern over the source catches them too.
_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_no_template_has_an_inline_script_or_handler(path):
    source = path.read_text(encoding="utf-8")
    assert not _SCRIPT.search(source), "inline <script>: move it to a file under satuatap/static/js"
    assert not _HANDLER.search(source), "on*= handler: attach it from a file under satuatap/static/js"
    assert "javascript:" not in source.lower()


def test_the_scan_finds_what_it_looks_for():
    html = (
        '<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:void(0)">b</a><script src="/s.js"></script>'
    )
    assert inline_script_problems(html) == ["<p onclick=...>", "<script> without src", "<a href=javascript:...>"]
    assert _HANDLER.search('<button class="btn"\n onchange="go()">') and not _HANDLER.search("<p>one=two</p>")
    assert _SCRIPT.search("<script>1</script>") and not _SCRIPT.search('<script src="/a.js" defer></script>')


def _assert_safe_page(response, url):
    assert response.status_code < 500, url
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("application/pdf"):
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    assert "Permissions-Policy" in response and response["Cross-Origin-Opener-Policy"] == "same-origin", url
    if content_type.startswith("text/html"):
        assert inline_script_problems(response.content.decode()) == [], url


def public_urls(world, books):  # noqa: F811
    from satuatap.collection.models import Receipt

    receipt = Receipt.objects.get(pk=books.gifts["own"]["receipt"])
    return [
        "/accounts/login/",
        f"/zakat/kalkulator/{world.alpha.code.lower()}/",
        f"/kampanye/{world.alpha.code.lower()}/{books.campaign_own.code}/",
        f"/r/{receipt.verify_token}/",
        "/r/unknown-token-123/",
        "/not-a-page/",
    ]


def test_public_pages_have_the_policy_and_no_inline_script(world, books):  # noqa: F811
    client = Client()
    for url in public_urls(world, books):
        _assert_safe_page(client.get(url), url)


def test_every_staff_page_has_the_policy_and_no_inline_script(world, books):  # noqa: F811
    client = Client()
    client.force_login(world.carol)
    pages = [route for route, name, kwargs in staff_views() if not kwargs and name != "accounts:logout"]
    pages += [f"units/{world.branch_a.pk}/", "accounts/two-factor/setup/", "operator/"]
    assert len(pages) > 60
    for route in pages:
        url = "/" + route
        _assert_safe_page(client.get(url), url)


def test_the_django_admin_has_no_inline_script(db, django_user_model):
    operator = django_user_model.objects.create_superuser("operator", "op@example.test", "x-long-password-1")
    client = Client()
    client.force_login(operator)
    for url in ("/operator/", "/operator/organizations/unit/", "/operator/accounts/user/add/"):
        _assert_safe_page(client.get(url), url)


def test_the_policy_keeps_scripts_to_this_site():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'" and directives["img-src"] == "'self' data:"
    assert "unsafe" not in directives["style-src-elem"]


def test_the_htmx_indicator_style_is_the_one_the_policy_admits():
    """htmx writes this text into a <style> element at load; if an upgrade changes it, the hash must follow."""
    source = (ROOT / "satuatap/static/vendor/htmx/htmx.min.js").read_text(encoding="utf-8")
    template = re.search(r"`<style\$\{e\}>`\+`(.+?)`\+`(.+?)`\+\"</style>\"", source)
    assert template, "htmx no longer injects its indicator style the way satuatap.core.security expects"
    text = (template.group(1) + template.group(2)).replace("${t}", "htmx-indicator").replace("${n}", "htmx-request")
    assert text == HTMX_INDICATOR_STYLE
    assert 'indicatorClass:"htmx-indicator"' in source and 'requestClass:"htmx-request"' in source


def test_a_pdf_gets_no_content_security_policy_but_the_other_headers():
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse(b"%PDF-1.7", content_type="application/pdf"))
    response = middleware(RequestFactory().get("/x.pdf"))
    assert "Content-Security-Policy" not in response
    assert response["Cross-Origin-Resource-Policy"] == "same-origin" and "camera=()" in response["Permissions-Policy"]


def test_a_view_may_set_its_own_policy():
    def view(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert SecurityHeadersMiddleware(view)(RequestFactory().get("/"))["Content-Security-Policy"] == "default-src 'none'"


# --- production settings -----------------------------------------------------------------------

PRODUCTION = {
    "SATUATAP_ENV": "production",
    "SECRET_KEY": "k3y-" + "x9Q2w" * 12,
    "ALLOWED_HOSTS": "zakat.example.org",
    "FIELD_ENCRYPTION_KEYS": "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk=",
    "IDENTIFIER_HASH_KEY": "h" * 40,
    "DATABASE_URL": "sqlite:////tmp/satuatap-headers-check.sqlite3",
    "SATUATAP_VAR_DIR": "/tmp/satuatap-headers-var",
}

_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
# Production serves hashed static names after collectstatic; this probe has not collected them.
plain_storage = "django.contrib.staticfiles.storage.StaticFilesStorage"
plain_static = {**settings.STORAGES, "staticfiles": {"BACKEND": plain_storage}}
with override_settings(STORAGES=plain_static):
    client = Client()
    page = client.get("/accounts/login/", secure=True, HTTP_HOST="zakat.example.org")
    plain = client.get("/accounts/login/", HTTP_HOST="zakat.example.org")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {k: page.cookies["csrftoken"][k] for k in ("secure", "samesite")},
    "plain": [plain.status_code, plain.get("Location")],
    "settings": {name: getattr(settings, name) for name in (
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE", "REQUIRE_2FA", "DEBUG")},
}))
"""


def test_production_settings_send_hsts_secure_cookies_and_the_policies():
    drop = ("SATUATAP_", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "ALLOWED_HOSTS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="satuatap.settings")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    headers = probe["headers"]
    assert probe["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert probe["csrf_cookie"] == {"secure": True, "samesite": "Lax"}
    assert probe["plain"] == [301, "https://zakat.example.org/accounts/login/"]
    assert probe["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "REQUIRE_2FA": True,
        "DEBUG": False,
    }


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_HSTS_SECONDS=31536000)
def test_the_session_cookie_of_a_login_is_secure_http_only_and_same_site(world):
    response = Client().post("/accounts/login/", {"username": "frank", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends with the browser
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


# --- session expiry ------------------------------------------------------------------------------


def _age_session(client, *, seen_ago: int, login_ago: int):
    session = client.session
    now = int(time.time())
    session[SESSION_SEEN_AT] = now - seen_ago
    session[SESSION_LOGIN_AT] = now - login_ago
    session.save()


def test_a_session_idle_too_long_is_logged_out_with_a_message(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = Client()
    client.force_login(world.frank)
    _age_session(client, seen_ago=31 * 60, login_ago=40 * 60)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "30" in " ".join(str(m) for m in response.context["messages"])
    assert "_auth_user_id" not in client.session


def test_activity_keeps_a_session_alive(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = Client()
    client.force_login(world.frank)
    _age_session(client, seen_ago=29 * 60, login_ago=3 * 3600)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[SESSION_SEEN_AT] < 5  # the clock restarts


def test_a_session_ends_after_its_maximum_age_even_when_active(world, settings):
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client = Client()
    client.force_login(world.frank)
    _age_session(client, seen_ago=10, login_ago=8 * 3600 + 60)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_request_soon_after_the_last_does_not_write_the_session(world):
    client = Client()
    client.force_login(world.frank)
    client.get("/")
    before = client.session[SESSION_SEEN_AT]
    client.get("/")
    assert client.session[SESSION_SEEN_AT] == before


def test_login_stamps_the_session(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "frank", "password": PASSWORD})
    assert response.status_code == 302
    assert abs(client.session[SESSION_LOGIN_AT] - time.time()) < 5


# --- in a real browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_in_chromium_under_the_policy_with_no_console_error(page, world, settings):
    """Log in, set up two-factor, use htmx (the unit tree) and Bootstrap (the menu): no CSP violation."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import expect

    from satuatap.accounts.tests.test_two_factor import code_for

    settings.REQUIRE_2FA = True
    errors: list[str] = []

    def on_console(message):
        # There is no favicon (yet): the browser's request for it is not the page's doing.
        favicon = message.location.get("url", "").endswith("/favicon.ico")
        if message.type == "error" and not favicon:
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("totp-qr")).to_be_visible()
    device = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    page.fill("#id_code", code_for(device))
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    page.get_by_test_id("continue").click()

    # htmx is loaded and its indicator style (admitted by its hash) is in force.
    page.goto("/units/")
    hidden = page.evaluate(
        "() => { const el = document.createElement('span'); el.className = 'htmx-indicator';"
        " document.body.appendChild(el); return getComputedStyle(el).opacity; }"
    )
    assert hidden == "0"
    expect(page.get_by_test_id("unit-node").first).to_contain_text("Layanan Anggrek")  # loaded by htmx

    # Bootstrap's dropdown (the account menu) still opens.
    page.locator(".sa-navbar .dropdown-toggle").last.click()
    expect(page.get_by_role("button", name=re.compile("Keluar|Log out"))).to_be_visible()

    for url in ("/", "/collection/donations/", "/collection/calculator/", "/accounts/two-factor/", "/audit/"):
        page.goto(url)
    page.goto("/zakat/kalkulator/alpha/")
    assert errors == []

    # The listener does hear the policy: an injected inline script is refused, and said so.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.ran") is None
    expect(page.locator("body")).to_be_visible()
    assert any("Content Security Policy" in error for error in errors), errors
