"""The access matrix's remaining corners: public pages and public API operations show nothing private
(and no other institution's data), the operator admin is closed at every address, the API's own
documentation routes hold no data, a root admin's token sees nothing of another institution, and ids
of other units and institutions passed in API query strings reveal nothing.

Each test builds its world once and loops, so the whole file stays within seconds per database.
tests/access_coverage.py counts what these tests cover.
"""

import re

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from tests import test_scoping_matrix as _matrix
from tests.scoping import PUBLIC, PUBLIC_API, api_operations, iter_patterns, response_text
from tests.scoping_servicedesk import SERVICEDESK_AREAS
from tests.test_api_matrix import call, fill, foreign_id_sets, matrix_ids

books = _matrix.books  # the staff matrix's fixture: both institutions' objects

# What no public page or public operation may ever show: people's names, notes, needs, donors, drafts.
# (The data the matrix builds, never UI words: a signed-in visitor's 404 page has the staff menu.)
PRIVATE = (
    b"Bakung Mustahik", b"Xenon Mustahik", b"Own Mustahik", b"Penerima Mustahik", b"Peminjam Mustahik",
    b"Penerima Batch", b"Donor Bakung", b"Donor Xenon", b"Own Donor", b"Donor Layanan", b"SECRET note",
    b"own note", b"need for food", b"SECRET visit", b"own visit", b"nota toko", b"SECRET draft", b"Own draft",
    b"modal usaha", b"batch need",
)  # fmt: skip
ALPHA_ONLY = (b"Bakung", b"Anggrek")  # ALPHA's units, campaigns and people: never on BETA's pages
BETA_ONLY = (b"Xenon",)  # BETA's: never on ALPHA's pages


def public_pages(world, books) -> dict:
    """Public view name -> [(address, markers it must not show)], with ids of both institutions."""
    from satuatap.collection.models import Campaign, Receipt
    from satuatap.distribution.models import Application, Program

    # Everything the matrix built is made public, so the public pages have something to leak.
    Program.objects.update(is_public=True)
    Campaign.objects.update(is_public=True)
    own, foreign = books.distribution["own"], books.distribution["foreign"]
    tracking = [Application.objects.get(pk=ids["application"]).tracking_code for ids in (own, *foreign[:2])]
    program = {p.pk: p.code for p in Program.objects.all()}
    tokens = [Receipt.objects.get(pk=ids["receipt"]).verify_token for ids in books.gifts["foreign"][:3]]
    alpha, beta = PRIVATE + BETA_ONLY, PRIVATE + ALPHA_ONLY
    return {
        "accounts:login": [("/accounts/login/", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "set_language": [("/i18n/setlang/", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "regions:pick": [("/wilayah/pilih/?name=region&region_province=33", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "regions:options": [("/wilayah/opsi/?parent=33.18", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "regions:lookup": [("/wilayah/cari/?q=pati", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "collection:calculator_public": [("/zakat/kalkulator/alpha/", alpha), ("/zakat/kalkulator/beta/", beta)],
        "collection:campaign_public": [
            ("/kampanye/alpha/own-campaign/", alpha),
            ("/kampanye/alpha/kampanye-b/", alpha),
            ("/kampanye/alpha/secret-beta/", alpha + (b"SECRET",)),  # BETA's campaign under ALPHA's name
            ("/kampanye/beta/secret-beta/", beta),
            ("/kampanye/beta/own-campaign/", beta + (b"SECRET",)),
        ],
        "collection:ways_to_give": [
            ("/cara-bayar/alpha/", alpha),
            ("/cara-bayar/alpha/?kantor=BRB&jenis=zakat_maal&jumlah=1000", alpha),
            ("/cara-bayar/alpha/?kampanye=secret-beta", alpha + (b"SECRET",)),  # BETA's campaign under ALPHA's name
            ("/cara-bayar/beta/?kantor=BRA", beta),
            ("/cara-bayar/beta/?kampanye=own-campaign&kantor=BRB", beta),  # ALPHA's campaign and office code
        ],
        "collection:receipt_verify": [
            (f"/r/{tokens[0]}/", alpha),
            (f"/r/{tokens[1]}/", alpha),
            (f"/r/{tokens[2]}/", beta),
            ("/r/no-such-token/", PRIVATE + BETA_ONLY + ALPHA_ONLY),
        ],
        "accounts:password_reset": [("/accounts/password/reset/", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "accounts:password_reset_sent": [("/accounts/password/reset/sent/", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "accounts:password_reset_confirm": [
            ("/accounts/password/reset/MQ/not-a-token/", PRIVATE + BETA_ONLY + ALPHA_ONLY),
        ],
        "accounts:password_reset_complete": [("/accounts/password/reset/done/", PRIVATE + BETA_ONLY + ALPHA_ONLY)],
        "distribution:public_index": [("/bantuan/", PRIVATE)],
        "distribution:public_apply": [("/bantuan/alpha/", alpha), ("/bantuan/beta/", beta)],
        "distribution:public_apply_program": [
            (f"/bantuan/alpha/{program[own['program']]}/", alpha),
            (f"/bantuan/alpha/{program[foreign[0]['program']]}/", alpha),
            (f"/bantuan/alpha/{program[foreign[1]['program']]}/", alpha + (b"SECRET",)),
            (f"/bantuan/beta/{program[foreign[1]['program']]}/", beta),
            (f"/bantuan/beta/{program[own['program']]}/", beta + (b"SECRET",)),
        ],
        "distribution:public_sent": [
            (f"/bantuan/terkirim/{tracking[0]}/", alpha),
            (f"/bantuan/terkirim/{tracking[1]}/", alpha),
            (f"/bantuan/terkirim/{tracking[2]}/", beta),
        ],
        "distribution:public_status": [
            (f"/bantuan/status/?code={tracking[0]}", alpha),
            (f"/bantuan/status/?code={tracking[1]}", alpha),
            (f"/bantuan/status/?code={tracking[2]}", beta),
            ("/bantuan/status/?code=ABCDEFGHJK", PRIVATE + BETA_ONLY + ALPHA_ONLY),
        ],
        # The service desk's areas say what their public pages show (tests/scoping_servicedesk_<area>.py).
        **{
            name: visits
            for area in SERVICEDESK_AREAS
            if hasattr(area, "public_pages")
            for name, visits in area.public_pages(PRIVATE, ALPHA_ONLY, BETA_ONLY).items()
        },
    }


# The public views test_public_pages_reveal_nothing_private visits (tests/access_coverage.py reads it).
PUBLIC_PAGES = {
    "accounts:login",
    "set_language",
    "regions:pick",
    "regions:options",
    "regions:lookup",
    "collection:calculator_public",
    "collection:campaign_public",
    "collection:ways_to_give",
    "collection:receipt_verify",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "distribution:public_index",
    "distribution:public_apply",
    "distribution:public_apply_program",
    "distribution:public_sent",
    "distribution:public_status",
    *(name for area in SERVICEDESK_AREAS for name in getattr(area, "PUBLIC_PAGES", ())),
}

# Query parameters of API lists that name an object: an outsider tries other units' and institutions' ids.
QUERY_ID_PARAMS = {
    "unit_id": "unit",
    "within": "unit",
    "program_id": "program",
    "application_id": "application",
    "donor_id": "donor",
    "item_id": "stock_item",
}


def shown(response, markers) -> list[bytes]:
    text = response_text(response)
    return [marker for marker in markers if marker in text]


def test_every_public_view_is_visited(world, books):
    assert set(public_pages(world, books)) == PUBLIC_PAGES
    assert PUBLIC_PAGES == PUBLIC, "a public view without a page check (or a check of a view no longer public)"


def test_public_pages_reveal_nothing_private(world, books):
    """Anonymous and signed-in visitors alike: no person, donor or note, and nothing of the other
    institution; another institution's campaign or program under this institution's address is 404."""
    staff = Client()
    staff.force_login(world.alice)
    pages = public_pages(world, books)
    checked = []
    for name, visits in pages.items():
        for url, markers in visits:
            # Alice's own branch (Anggrek) is named in her menus on every page she opens.
            for client, hidden in ((Client(), markers), (staff, tuple(m for m in markers if m != b"Anggrek"))):
                response = client.get(url)
                assert response.status_code in (200, 302, 404), f"GET {url} answered {response.status_code}"
                assert shown(response, hidden) == [], f"{name}: GET {url} shows {shown(response, hidden)}"
                checked.append(url)
    # The visits are real: the pages of ALPHA show ALPHA's open program and campaign, and foreign ones are 404.
    client = Client()
    assert client.get("/kampanye/alpha/own-campaign/").status_code == 200
    assert client.get("/kampanye/alpha/secret-beta/").status_code == 404
    assert b"Own Program Sembako" in client.get("/bantuan/alpha/").content
    assert len(checked) == 2 * sum(len(v) for v in pages.values())


@pytest.fixture
def api_world(world):
    """The API matrix's objects, with everything public made public and tokens for alice and carol."""
    from satuatap.distribution.models import Program

    ids = matrix_ids(world)
    Program.objects.update(is_public=True)
    keys = {name: api_token_create(actor=getattr(world, name), name="audit")[1] for name in ("alice", "carol")}
    return ids, keys


def test_public_api_reveals_nothing_private(world, api_world):
    from satuatap.collection.models import Receipt
    from satuatap.distribution.models import Application

    ids, keys = api_world
    foreign = ids["foreign"]
    receipts = [Receipt.objects.get(pk=f["receipt"]).verify_token for f in foreign[:3]]
    codes = [Application.objects.get(pk=f["application"]).tracking_code for f in foreign[:2]]
    alpha, beta = PRIVATE + BETA_ONLY, PRIVATE + ALPHA_ONLY
    calls = [
        ("get", "/api/v1/public/aid-programs?institution=alpha", alpha),
        ("get", "/api/v1/public/aid-programs?institution=beta", beta),
        ("get", "/api/v1/public/aid-programs", PRIVATE),
        ("get", f"/api/v1/public/aid-applications/{codes[0]}", alpha),
        ("get", f"/api/v1/public/aid-applications/{codes[1]}", beta),
        ("get", "/api/v1/public/aid-applications/ABCDEFGHJK", PRIVATE + ALPHA_ONLY + BETA_ONLY),
        ("get", f"/api/v1/public/receipts/{receipts[0]}", alpha),
        ("get", f"/api/v1/public/receipts/{receipts[1]}", alpha),
        ("get", f"/api/v1/public/receipts/{receipts[2]}", beta),
        ("get", "/api/v1/public/receipts/no-such-token", PRIVATE + ALPHA_ONLY + BETA_ONLY),
        ("post", "/api/v1/public/aid-applications", PRIVATE + ALPHA_ONLY + BETA_ONLY),
        *(
            call_
            for area in SERVICEDESK_AREAS
            if hasattr(area, "public_api_calls")
            for call_ in area.public_api_calls(PRIVATE, ALPHA_ONLY, BETA_ONLY)
        ),
    ]
    visited = set()
    for method, path, markers in calls:
        response = call(None, method, path)
        assert response.status_code in (200, 400, 404, 422), f"{method.upper()} {path}: {response.status_code}"
        assert shown(response, markers) == [], f"{method.upper()} {path} shows {shown(response, markers)}"
        template = re.sub(r"(aid-applications|receipts)/[^/?]+", r"\1/{x}", path.split("?")[0])
        template = re.sub(r"/public/units/[^/]+/[^/?]+", "/public/units/{x}/{x}", template)
        visited.add((method, template))
    # A staff token on the public form is refused: staff take applications under their own name.
    assert call(keys["alice"], "post", "/api/v1/public/aid-applications").status_code == 403
    public = {(m, re.sub(r"\{\w+\}", "{x}", p)) for m, p in PUBLIC_API}
    assert public <= visited, f"public operations not visited: {public - visited}"


def _operator_url(route: str, pk: int) -> str:
    url = re.sub(r"<(?:\w+:)?\w+>", str(pk), route)
    url = url.replace("^([^/]+)/history/([^/]+)/$", f"{pk}/history/1/")
    url = re.sub(r"\^\(\?P<app_label>([a-z_]+)\|.*\)/\$", r"\1/", url)
    return "/" + url.replace("(?P<url>.*)$", "nothing/")


OPERATOR_LOGIN = {"operator/login/"}


def test_operator_admin_is_closed_everywhere(world):
    """Every address of the operator admin sends anonymous visitors and institution staff (even an
    institution's root admin marked as staff) to the operator login; only its login form answers."""
    world.carol.is_staff = True
    world.carol.save()
    staff = Client()
    staff.force_login(world.carol)
    routes = [route for route, _name, _p in iter_patterns() if route.startswith("operator/")]
    assert len(routes) > 50
    for route in routes:
        url = _operator_url(route, world.beta.pk)
        for client in (Client(), staff):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if route in OPERATOR_LOGIN:
                    assert response.status_code in (200, 302, 403)
                    assert b"SECRET" not in response.content
                    continue
                assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
                # Logging out of a session that is not the operator's leads to the admin's index (and so to its login).
                target = "/operator/" if route == "operator/logout/" else "/operator/login/"
                assert response["Location"].startswith(target), f"{method.upper()} {url}: {response['Location']}"


def test_api_documentation_shows_no_data(world, api_world):
    for url in ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"):
        response = Client().get(url)
        assert response.status_code in (200, 404), f"GET {url}: {response.status_code}"
        assert shown(response, PRIVATE + (b"SECRET", b"Xenon", b"Bakung")) == [], f"GET {url}"


def _list_operations():
    return [
        (method, path, operation)
        for method, path, params, operation in api_operations()
        if method == "get" and not params and (method, path) not in PUBLIC_API
    ]


def test_institution_root_admin_token_sees_nothing_of_another_institution(world, api_world):
    """Carol administers ALPHA's root: every API list answers her, and never with BETA's data."""
    _ids, keys = api_world
    lists = _list_operations()
    assert len(lists) > 20
    for method, path, _operation in lists:
        response = call(keys["carol"], method, path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.content[:200]}"
        assert b"Xenon" not in response.content, f"GET {path} shows another institution's data to carol"
    # The lists do answer with data: carol sees ALPHA's branch B and its people.
    assert b"Bakung" in call(keys["carol"], "get", "/api/v1/units").content
    assert b"Bakung Mustahik" in call(keys["carol"], "get", "/api/v1/beneficiaries").content


def test_api_ids_of_other_institutions_in_queries(world, api_world):
    """An API list asked about another unit's or institution's object (``?unit_id=``, ``?program_id=``,
    ...) answers 403/404 or an empty page, never that object's data."""
    ids, keys = api_world
    sets = foreign_id_sets(world, ids)
    tried = 0
    for method, path, operation in _list_operations():
        names = [p["name"] for p in operation.get("parameters", []) if p["name"] in QUERY_ID_PARAMS]
        for name in names:
            for id_set in sets:
                url = f"{fill(path, id_set)}?{name}={id_set[QUERY_ID_PARAMS[name]]}"
                response = call(keys["alice"], method, url)
                assert response.status_code in (200, 403, 404), f"GET {url}: {response.status_code}"
                if response.status_code != 200:
                    assert set(response.json()) == {"error"}
                assert b"SECRET" not in response.content, f"GET {url} shows another unit's data"
                tried += 1
    assert tried > 40
