"""The access-control matrix, generated from the URL configuration and the API schema.

Every URL pattern of the staff UI and every operation of the OpenAPI schema is
listed here automatically. A pattern or operation that takes an object id must
have an entry in OBJECT_KINDS / API_PARAMS (how to find another unit's object of
that kind), and a write operation of the API must have a body in API_BODIES:
otherwise the matrix fails and names it, so no view or endpoint escapes it.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.scoping_accounts import OBJECT_KINDS as ACCOUNTS_OBJECT_KINDS
from tests.scoping_accounts import PUBLIC as ACCOUNTS_PUBLIC
from tests.scoping_beneficiaries import (
    BENEFICIARY_API_BODIES,
    BENEFICIARY_API_PARAMS,
    BENEFICIARY_LIST_VARIANTS,
    BENEFICIARY_OBJECT_KINDS,
)
from tests.scoping_collection import (
    COLLECTION_API_BODIES,
    COLLECTION_API_PARAMS,
    COLLECTION_LIST_VARIANTS,
    COLLECTION_PUBLIC_API,
)
from tests.scoping_distribution import DISTRIBUTION_AREAS, DISTRIBUTION_LIST_VARIANTS, DISTRIBUTION_OBJECT_KINDS
from tests.scoping_distribution_api import DISTRIBUTION_API_BODIES, DISTRIBUTION_API_PARAMS
from tests.scoping_ledger import LEDGER_API_BODIES, LEDGER_API_PARAMS, LEDGER_SLUGS
from tests.scoping_servicedesk import SERVICEDESK_AREAS
from tests.scoping_setup_api import SETUP_API_BODIES

# URL name -> kind of object its <pk> names.
OBJECT_KINDS = {
    "organizations:unit_detail": "unit",
    "organizations:unit_children": "unit",
    "organizations:unit_create": "unit",
    "organizations:unit_edit": "unit",
    "organizations:unit_move": "unit",
    "organizations:unit_history": "unit",
    "organizations:unit_calendar": "unit",
    "organizations:membership_end": "membership",
    "api:token_revoke": "token",
    "ledger:account_edit": "account",
    "ledger:entry_detail": "entry",
    "ledger:entry_approve": "entry",
    "ledger:entry_discard": "entry",
    "ledger:entry_reverse": "entry",
    "ledger:report": "report",
    "collection:donation_detail": "donation",
    "collection:receipt_detail": "receipt",
    "collection:receipt_pdf": "receipt",
    "collection:receipt_void": "receipt",
    "collection:receipt_send": "receipt",
    "collection:campaign_detail": "campaign",
    "collection:campaign_edit": "campaign",
    **{f"donors:{name}": "donor" for name in ("detail", "edit", "identifiers", "merge", "history", "statement")},
    **{f"collection:import_{name}": "import" for name in ("detail", "commit", "cancel", "errors")},
    **BENEFICIARY_OBJECT_KINDS,
    **DISTRIBUTION_OBJECT_KINDS,
    **ACCOUNTS_OBJECT_KINDS,
}

# URL name -> the values its <slug> takes; each value is checked like a list page.
SLUGS = {
    "collection:import_template": ["donors", "donations"],
    "ledger:report": [
        "trial-balance",
        "financial-position",
        "changes-in-funds",
        "cash-flows",
        "managed-assets",
        "general-ledger",
    ],
    **LEDGER_SLUGS,
}

# A report's query naming another unit's or institution's objects ({unit_b}, {account_beta} are filled in).
_REPORT_QUERIES = [
    "",
    "?unit={unit_b}&start=2025-01&end=2025-12&consolidated=on",
    "?unit={unit_beta}&start=2025-01&end=2025-12",
    "?unit={unit_a}&start=2025-01&end=2025-12&consolidated=on&compare=on",
    "?unit={unit_a}&start=2025-01&end=2025-12&account={account_beta}",
    "?unit={unit_a}&start=2025-01&end=2025-12&format=xlsx",
    "?unit={unit_b}&start=2025-01&end=2025-12&format=xlsx",
    "?unit={unit_b}&start=2025-01&end=2025-12&format=pdf",
]

# Extra query strings that make a list view show something else (exports, filters).
LIST_VARIANTS = {
    "organizations:membership_list": ["", "?format=csv", "?format=xlsx", "?ended=1", "?ended=1&format=csv"],
    "organizations:unit_export": ["?format=csv", "?format=xlsx"],
    "audit:event_list": ["", "?format=csv", "?format=xlsx", "?action=unit.created", "?start=2000-01-01&end=2100-12-31"],
    "organizations:unit_tree": ["", "?q=Bakung", "?q=BRB", "?q=Xeno"],
    "ledger:overview": ["", "?format=csv", "?format=xlsx"],
    "ledger:accounts": ["", "?format=csv", "?format=xlsx"],
    "ledger:entries": ["", "?status=draft", "?format=csv", "?format=xlsx", "?status=posted&source=transfer"],
    **{f"ledger:report:{slug}": _REPORT_QUERIES for slug in SLUGS["ledger:report"]},
    "collection:donations": ["", "?format=csv", "?format=xlsx", "?unit={unit_b}", "?unit={unit_beta}", "?q=Donor"],
    "collection:counter": ["", "?donor={donor_b}", "?donor={donor_beta}"],
    "collection:counter_donor_search": ["?q=Donor", "?q=Dua"],
    "collection:counter_fitrah_rate": ["?date=2026-03-10"],
    "collection:campaigns": ["", "?format=csv", "?format=xlsx"],
    "collection:calculator": ["", "?type=fitrah&calc=1&persons=1", "?donor={donor_b}"],
    "collection:settings": [""],
    "collection:imports": ["", "?page=2"],
    **COLLECTION_LIST_VARIANTS,
    **BENEFICIARY_LIST_VARIANTS,
    **DISTRIBUTION_LIST_VARIANTS,
}

# Views anyone may reach without logging in.
PUBLIC = {
    "accounts:login",
    "set_language",
    "collection:calculator_public",
    "collection:campaign_public",
    "collection:ways_to_give",
    "collection:receipt_verify",
    # The address picker's public reference data (the public aid form uses it).
    "regions:pick",
    "regions:options",
    "regions:lookup",
    *ACCOUNTS_PUBLIC,
}

# URL prefixes covered elsewhere: the API by its schema (and its unknown paths by api/tests/test_unknown_paths.py),
# the operator admin by test_operator_admin_*.
SKIP_PREFIXES = ("api/", "operator/", "static/")

# API path parameter -> kind of object.
API_PARAMS = {"unit_id": "unit", "membership_id": "membership", "closure_id": "closure"}

# (method, path) of every API write -> body builder taking a dict of kind -> object id.
API_BODIES = {
    ("post", "/api/v1/units"): lambda ids: {
        "parent_id": ids["unit"],
        "kind": "service",
        "name": "Leak",
        "code": "LEAK1",
    },
    ("patch", "/api/v1/units/{unit_id}"): lambda ids: {"name": "Renamed by outsider"},
    ("post", "/api/v1/units/{unit_id}/move"): lambda ids: {"new_parent_id": ids["unit"]},
    ("post", "/api/v1/memberships"): lambda ids: {"user_id": ids["user"], "unit_id": ids["unit"], "role": "admin"},
    ("post", "/api/v1/memberships/{membership_id}/end"): lambda ids: {"note": "outsider"},
    **{
        ("put", f"/api/v1/units/{{unit_id}}/calendar/{schedule}"): lambda ids: {
            "days": [{"weekday": 0, "periods": [{"opens": "08:00", "closes": "09:00"}]}]
        }
        for schedule in ("office", "whatsapp")
    },
    ("post", "/api/v1/units/{unit_id}/closures"): lambda ids: {
        "first_day": "2026-10-05",
        "last_day": "2026-10-05",
        "kind": "local",
        "name": "outsider",
    },
    ("delete", "/api/v1/units/{unit_id}/closures/{closure_id}"): lambda ids: {},
}


API_PARAMS.update(LEDGER_API_PARAMS)
API_BODIES.update(LEDGER_API_BODIES)
API_PARAMS.update(COLLECTION_API_PARAMS)
API_BODIES.update(COLLECTION_API_BODIES)
API_PARAMS.update(BENEFICIARY_API_PARAMS)
API_BODIES.update(BENEFICIARY_API_BODIES)
API_PARAMS.update(DISTRIBUTION_API_PARAMS)
API_BODIES.update(DISTRIBUTION_API_BODIES)
API_BODIES.update(SETUP_API_BODIES)
PUBLIC_API = set(COLLECTION_PUBLIC_API)
for _area in (*DISTRIBUTION_AREAS, *SERVICEDESK_AREAS):
    OBJECT_KINDS.update(_area.OBJECT_KINDS)
    LIST_VARIANTS.update(_area.LIST_VARIANTS)
    PUBLIC |= _area.PUBLIC
    API_PARAMS.update(_area.API_PARAMS)
    API_BODIES.update(_area.API_BODIES)
    PUBLIC_API |= _area.PUBLIC_API


def iter_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry


def staff_views():
    """(route, url name, kwargs names) of every staff UI view the matrix must cover.

    A view taking a <slug> from SLUGS appears once per slug, as a page without an object id.
    """
    views = []
    for route, name, pattern in iter_patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        kwargs = list(pattern.pattern.converters)
        if len(kwargs) == 1 and name in SLUGS:
            for slug in SLUGS[name]:
                views.append((route.replace(f"<slug:{kwargs[0]}>", slug), f"{name}:{slug}", []))
            continue
        views.append((route, name, kwargs))
    return views


def api_operations():
    from satuatap.api.core import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            yield method, path, params, operation


def response_text(response) -> bytes:
    """The bytes a person would read: XLSX downloads are unpacked cell by cell."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content), read_only=True)
        cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
        return "\n".join(cells).encode()
    return response.content
