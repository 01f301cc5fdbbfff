"""Real Chromium (Debian's package) driven by Playwright against the live test server.

A pytest plugin (registered in the root conftest), so every test module shares the one
session-wide browser: a second sync Playwright in the same thread would fail.

Every page a browser test opens is checked with axe-core (WCAG 2.1 A and AA rules): after each
load, before its context is closed, and at the end of the test. A test fails on any violation,
naming the rule, the element and what is wrong, so a new accessibility slip fails the suite.
"""

import functools
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "browser" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE_RUN = r"""async (tags) => {
  if (!window.axe || !document.body) return null;
  // One run at a time: a check at the end of a test may come while the one after a load still runs.
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const run = (window.__axeRun || Promise.resolve()).catch(() => null).then(() => window.axe.run(document, options));
  window.__axeRun = run;
  const result = await run;
  const violations = result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
  // axe only asks to review a reference to an id that does not exist; a screen reader then reads nothing.
  const broken = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      const missing = (el.getAttribute(attr) || "").split(/\s+/).filter((id) => id && !document.getElementById(id));
      if (missing.length) {
        const target = el.id ? `#${el.id}` : el.tagName.toLowerCase() + (el.name ? `[name="${el.name}"]` : "");
        broken.push({target, summary: `${attr}: no element #${missing.join(", #")}`});
      }
    }
  }
  if (broken.length) {
    violations.push({id: "aria-reference", help: "ARIA references must point to elements that exist", nodes: broken});
  }
  return violations;
}"""
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


class AxeAudit:
    """What axe-core found on the pages of the running test, one entry per (rule, element)."""

    def __init__(self):
        self.found: dict[tuple[str, str], str] = {}
        self.contexts: list = []
        self.checked = 0

    def reset(self):
        self.found.clear()
        self.contexts.clear()
        self.checked = 0

    def watch(self, context):
        """Check every page of ``context`` when it has loaded (axe is put in only then, so that it
        never slows a navigation the test is waiting for)."""
        self.contexts.append(context)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)
        close = context.close

        def close_after_check(*args, **kwargs):
            self.check_open(context)
            return close(*args, **kwargs)

        context.close = close_after_check
        return context

    def _watch_page(self, page):
        page.on("load", self.check)

    def check(self, page):
        from playwright.sync_api import Error

        try:
            if not page.evaluate("() => Boolean(window.axe)"):
                page.evaluate(_axe_source())  # evaluated by the DevTools protocol, so the page's CSP allows it
            violations = page.evaluate(_AXE_RUN, AXE_TAGS)
        except Error:  # the page navigated on or closed meanwhile: its next load is checked instead
            return
        if violations is None:
            return
        self.checked += 1
        path = re.sub(r"^https?://[^/]+", "", page.url)
        for violation in violations:
            for node in violation["nodes"]:
                key = (violation["id"], node["target"])
                if key not in self.found:
                    summary = " ".join(node["summary"].split())
                    self.found[key] = f"{violation['id']} on {node['target']} at {path}: {violation['help']}. {summary}"

    def check_open(self, context=None):
        for each in [context] if context is not None else self.contexts:
            for page in list(each.pages):
                if not page.is_closed():
                    self.check(page)

    def report(self) -> str:
        lines = "\n".join(f"- {line}" for line in self.found.values())
        return f"axe-core found {len(self.found)} accessibility violation(s) (WCAG 2.1 A/AA):\n{lines}"


AUDIT = AxeAudit()


class _AuditedBrowser:
    """The session's browser, with every new context watched by the axe audit."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    @property
    def unaudited(self):
        """The browser itself, whose contexts the audit does not watch (for a test of the audit)."""
        return self._browser

    def new_context(self, **kwargs):
        # With reduced motion Bootstrap has no colour transitions, so axe never reads a button half-way
        # between two states (an autofocused button is checked as it settles).
        kwargs.setdefault("reduced_motion", "reduce")
        return AUDIT.watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        page = self._browser.new_page(**kwargs)
        AUDIT.watch(page.context)
        return page


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    AUDIT.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if AUDIT.contexts:
        AUDIT.check_open()
        if AUDIT.found:
            pytest.fail(AUDIT.report(), pytrace=False)
    return result


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package (make browser-deps)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread for the whole session; the ORM calls of
    # the tests themselves stay synchronous, so Django's async-safety guard is lifted while it runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            yield _AuditedBrowser(browser)
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def shot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot


def pick_region(page, selector, **option):
    """Choose an option of one level of the region picker and wait until the server has drawn it again
    with the next level and htmx has settled it (a choice made on a picker still being swapped in is lost)."""
    from playwright.sync_api import expect

    with page.expect_response(lambda response: "/wilayah/pilih/" in response.url):
        page.locator(selector).select_option(**option)
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
