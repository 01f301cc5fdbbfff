"""The donor search-as-you-type benchmark (pytest-benchmark) on 1,000,000 generated donors.

Target: every kind of query answers in under 50 ms (median), at the counter of a branch (the
scope is "donors registered at this branch or who gave here") and for a user of the whole
institution. Each round searches for a different query drawn from the generated donors, so the
figure is not one lucky cached plan: a name typed from its start ("Moh. Nur Hid"), a word from the
middle or end of a name ("hidayat"), a phone number as people write it ("0812-3456-7890") and a
NIK. The measured call is ``donors.selectors.donor_search``, the same the page's htmx fragment
makes: the database queries and building the page of 20 donors.

Data: ``python -m bench.donors_generate`` (run by ``make bench`` after ``bench.generate``).
"""

import random

import pytest

from bench.donors_generate import CLERK
from bench.generate import YEAR
from satuatap.donors import identifiers
from satuatap.donors.matching import name_matches, name_query, parse_search
from satuatap.donors.models import Donor
from satuatap.donors.selectors import donor_search, donors_for
from satuatap.organizations.permissions import active_memberships

TARGET = 0.050
ROUNDS = 60
MIN_DONORS = 1_000


@pytest.fixture(scope="session")
def donors(world):
    from django.contrib.auth import get_user_model
    from django.db import connection

    count = Donor.objects.filter(institution=world.root).count()
    if count < MIN_DONORS:
        pytest.skip(f"{count:,} benchmark donors: run `python -m bench.donors_generate` (or `make bench`) first")
    clerk = get_user_model().objects.get(username=CLERK)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'donors_donor' AND column_name = 'name_key'"
        )
        collation = cursor.fetchone()[0]
    return {
        "count": count,
        "collation": collation,
        "institution": (world.user, world.root),
        "branch": (clerk, active_memberships(clerk)[0].unit),
    }


def _sample(user, unit, n: int, *, need: str = "", seed: int = 50) -> list[Donor]:
    """``n`` donors the user sees at ``unit``, drawn at random (by id, not by a slow ORDER BY random())."""
    rng = random.Random(seed)
    visible = donors_for(user, within=unit).filter(merged_into__isnull=True)
    if need:
        visible = visible.exclude(**{need: ""})
    ids = list(visible.values_list("pk", flat=True)[:200_000])
    chosen = rng.sample(ids, min(n, len(ids)))
    return list(Donor.objects.filter(pk__in=chosen).order_by("pk"))


def _typed_prefix(full_name: str, rng: random.Random) -> str:
    """The name as typed so far: at least the first word and three letters of the next."""
    words = full_name.split()
    cut = len(words[0]) + (4 if len(words) > 1 else 0)
    return full_name[: rng.randint(min(cut, len(full_name)), len(full_name))]


def _fragment(full_name: str, rng: random.Random) -> str:
    """The start (4 letters or more) of a word other than the first, as a clerk remembers it."""
    # Letters only: a number in a name ("Donatur 01411", the import benchmark's donors) is no name fragment.
    words = [w for w in identifiers.name_key(full_name).split()[1:] if len(w) >= 4 and w.isalpha()]
    words = words or [identifiers.name_key(full_name)]
    word = rng.choice(words)
    return word[: rng.randint(4, max(4, len(word)))]


def _phone_as_written(e164: str) -> str:
    local = "0" + e164[3:]
    return f"{local[:4]}-{local[4:8]}-{local[8:]}"


def _queries(kind: str, user, unit) -> list[tuple[str, Donor]]:
    rng = random.Random(f"{kind}:{user.pk}")
    if kind == "name-prefix":
        return [(_typed_prefix(d.full_name, rng), d) for d in _sample(user, unit, ROUNDS)]
    if kind == "name-fragment":
        return [(_fragment(d.full_name, rng), d) for d in _sample(user, unit, ROUNDS, seed=51)]
    if kind == "phone":
        return [(_phone_as_written(d.phone), d) for d in _sample(user, unit, ROUNDS, need="phone", seed=52)]
    return [(d.nik, d) for d in _sample(user, unit, ROUNDS, need="nik_hash", seed=53)]


def _check(kind: str, query: str, donor: Donor, page) -> None:
    rows = page.rows
    if kind in ("phone", "nik"):
        assert donor.pk in {d.pk for d in rows}, (kind, query)
        return
    terms = parse_search(query)
    assert rows, (kind, query)
    assert all(name_matches(d.name_key, terms.name) for d in rows), (kind, query)
    if kind == "name-prefix":
        assert any(rows[0].name_key.startswith(p) for p in name_query(query).prefixes), query


@pytest.mark.parametrize("kind", ["name-prefix", "name-fragment", "phone", "nik"])
@pytest.mark.parametrize("scope", ["branch", "institution"])
def test_donor_search(benchmark, world, donors, scope, kind):
    user, unit = donors[scope]
    queries = _queries(kind, user, unit)
    assert len(queries) == ROUNDS
    benchmark.extra_info.update(
        figure=f"donor search, {kind} ({'branch counter' if scope == 'branch' else 'whole institution'}, "
        f"{donors['count']:,} donors)",
        target=TARGET,
        donors=donors["count"],
        name_key_collation=donors["collation"],
        units=world.units,
        lines=world.lines,
        server=world.server,
        year=YEAR,
    )
    turn = iter(queries * 2)
    pages = []

    def setup():
        query, donor = next(turn)
        pages.append((query, donor))
        return (user, query), {"within": unit}

    def search(user, query, within):
        page = donor_search(user, query, within=within)
        pages[-1] = (*pages[-1], page)
        return page

    benchmark.pedantic(search, setup=setup, rounds=ROUNDS, warmup_rounds=5)
    for query, donor, page in pages:
        _check(kind, query, donor, page)


def test_donor_search_fragment_page(benchmark, world, donors):
    """The htmx fragment a keystroke fetches (middleware, session, search, template), at a branch."""
    from bench.conftest import signed_in_client

    user, unit = donors["branch"]
    client = signed_in_client(user)
    queries = _queries("name-prefix", user, unit)
    turn = iter(queries * 2)
    benchmark.extra_info.update(
        figure=f"donor search, name-prefix, the HTML fragment (branch counter, {donors['count']:,} donors)",
        target=TARGET,
        donors=donors["count"],
        units=world.units,
        lines=world.lines,
        server=world.server,
        year=YEAR,
    )

    def setup():
        return ("/donors/search/", {"q": next(turn)[0]}), {"HTTP_HX_REQUEST": "true"}

    response = benchmark.pedantic(client.get, setup=setup, rounds=ROUNDS, warmup_rounds=5)
    assert response.status_code == 200 and b"<table" in response.content
