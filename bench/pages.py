"""Server time of the first pages: log in as each demo user, open the home and every page of the menu.

Runs in-process (Django's test client, no network) against the demo database of
``SATUATAP_VAR_DIR`` (``manage.py demo`` on SQLite by default; ``--load-demo`` creates it when
missing). The process first warms up as the server does when it starts (``core.warm_up``;
``--no-warm-up`` to see the cold cost). Each page is read ``--repeat`` times; the table shows the
slowest pages first with their median and worst (usually the first) server time and their number
of queries, against the 0.5 s target. The
login itself is timed apart: most of it is the password hash (Argon2), which is meant to be slow.

    python -m bench.pages                   # the table; exit 1 when a page misses the target
    python -m bench.pages --json out.json   # also the raw figures
"""

import argparse
import json
import os
import statistics
import sys
import time
from html.parser import HTMLParser

TARGET_SECONDS = 0.5


class _MenuLinks(HTMLParser):
    """The links of the main menu (``ul.navbar-nav.me-auto``; the user's own menu aside)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self._open_lists = 0  # <ul> elements open inside the menu; 0: outside it

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and (self._open_lists or {"navbar-nav", "me-auto"} <= set(classes)):
            self._open_lists += 1
        elif tag == "a" and self._open_lists:
            href = attrs.get("href") or ""
            if href.startswith("/") and href not in self.links:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "ul" and self._open_lists:
            self._open_lists -= 1


def menu_links(html: str) -> list[str]:
    parser = _MenuLinks()
    parser.feed(html)
    return parser.links


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
    os.environ.setdefault("REQUIRE_2FA", "false")
    import django

    django.setup()


def _timed(client, url, repeat: int):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries, status = len(captured), response.status_code
    return times, queries, status, response


def measure(users: list[str], repeat: int = 3) -> dict:
    from django.test import Client

    from satuatap.demo.seed import DEMO_PASSWORD

    results = {"logins": [], "pages": []}
    for username in users:
        client = Client()
        started = time.perf_counter()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        login_seconds = time.perf_counter() - started
        if response.status_code != 302:
            raise SystemExit(f"{username}: the login was refused ({response.status_code})")
        from django.contrib.auth import get_user_model

        started = time.perf_counter()
        get_user_model().objects.get(username=username).check_password(DEMO_PASSWORD)
        hash_seconds = time.perf_counter() - started
        times, queries, status, home = _timed(client, "/", repeat)
        results["logins"].append(
            {"user": username, "login": login_seconds, "hash": hash_seconds, "home_first": times[0], "status": status}
        )
        pages = ["/", *[link for link in menu_links(home.content.decode()) if link != "/"]]
        for url in pages:
            times, queries, status, _response = _timed(client, url, repeat) if url != "/" else (times, queries, 200, 0)
            results["pages"].append(
                {
                    "user": username,
                    "url": url,
                    "status": status,
                    "median": statistics.median(times),
                    "worst": max(times),
                    "queries": queries,
                }
            )
    return results


def table(results: dict, limit: int = 25) -> str:
    rows = sorted(results["pages"], key=lambda r: -r["median"])
    lines = [f"Pages of the menu, slowest first (target {TARGET_SECONDS:.1f} s server time, median of the reads)"]
    lines.append(f"{'user':<10} {'page':<40} {'status':>6} {'median':>8} {'worst':>8} {'queries':>8}  ")
    for row in rows[:limit]:
        flag = "" if row["median"] <= TARGET_SECONDS else "  SLOW"
        lines.append(
            f"{row['user']:<10} {row['url'][:40]:<40} {row['status']:>6} {row['median']:>7.3f}s {row['worst']:>7.3f}s "
            f"{row['queries']:>8}{flag}"
        )
    slow = [r for r in rows if r["median"] > TARGET_SECONDS]
    lines.append(f"{len(rows)} pages read, {len(slow)} over {TARGET_SECONDS:.1f} s.")
    lines.append("Login (POST, then the home page; the password hash is Argon2's cost, meant to be slow):")
    for row in results["logins"]:
        lines.append(
            f"  {row['user']:<10} login {row['login']:.3f}s (of which hashing {row['hash']:.3f}s), "
            f"first home {row['home_first']:.3f}s"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="amil,keuangan,program,kepala,auditor,admin")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the raw figures here")
    parser.add_argument("--no-warm-up", action="store_true", help="measure the first reads of a cold process")
    parser.add_argument("--load-demo", action="store_true", help="migrate and load the demo when the database is empty")
    args = parser.parse_args(argv)
    _setup()
    if args.load_demo:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("demo", if_empty=True)
    started = time.perf_counter()
    if not args.no_warm_up:  # as the server does when it starts (satuatap.wsgi), before the first login
        from satuatap.core.warm_up import first_pages_warm_up

        first_pages_warm_up()
    warm_up = time.perf_counter() - started
    results = measure(args.users.split(","), repeat=args.repeat)
    results["warm_up"] = warm_up
    print(table(results))
    print(f"Warm-up at start (in the background on a server): {warm_up:.1f} s.")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    return 1 if any(r["median"] > TARGET_SECONDS or r["status"] != 200 for r in results["pages"]) else 0


if __name__ == "__main__":
    sys.exit(main())
