"""The access-control audit: what the matrix covers of everything that exists.

Everything that exists is read from the site itself: every URL pattern of the URL configuration
(staff views, public pages, file downloads and exports, htmx partials, the API's own documentation
routes, the operator admin) and every operation of the OpenAPI schema. For each, the report names
the check that exercises it for each kind of outsider, or the reviewed reason why that outsider does
not apply (a public page, one's own settings, a read). A route is covered when every column is
filled; ``tests/test_access_coverage.py`` requires 100% and lists what is not.

The checks named here are the tests that really run over the same lists (``VIEWS``, ``OBJECT_VIEWS``,
``LIST_VIEWS`` of tests/test_scoping_matrix.py, the operations of tests/test_api_matrix.py, the
extra checks of tests/test_access_audit.py); that the fixtures behind them hold objects of another
unit *and* of another institution for every kind is checked against the database by
``test_access_coverage.test_foreign_objects_span_other_units_and_other_institutions``.

Print the table alone: ``.venv/bin/python -m tests.access_coverage`` (``--full`` for every route).
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

COLUMNS = ("other unit", "other institution", "auditor", "anonymous")

# Where each kind of object names its unit (the first lookup that is set); checked against the fixtures.
KIND_OWNERS = {
    "unit": ("organizations.Unit", "pk"),
    "membership": ("organizations.Membership", "unit"),
    "closure": ("organizations.Closure", "unit"),
    "token": ("api.ApiToken", "user__memberships__unit"),
    "entry": ("ledger.JournalEntry", "unit"),
    "account": ("ledger.Account", "unit", "institution"),  # a unit's cash account, or the chart's
    "donation": ("collection.Donation", "unit"),
    "receipt": ("collection.Receipt", "unit"),
    "donor": ("donors.Donor", "registered_unit"),
    "campaign": ("collection.Campaign", "unit"),
    "import": ("collection.ImportJob", "unit"),
    "beneficiary": ("beneficiaries.Beneficiary", "registered_unit"),
    "assessment": ("beneficiaries.Assessment", "unit"),
    "document": ("beneficiaries.Document", "beneficiary__registered_unit"),
    "consent": ("beneficiaries.Consent", "beneficiary__registered_unit"),
    "dedup_run": ("beneficiaries.DedupRun", "institution"),
    "beneficiary_import": ("beneficiaries.BeneficiaryImport", "unit"),
    "program": ("distribution.Program", "unit"),
    "application": ("distribution.Application", "unit"),
    "evidence": ("distribution.Evidence", "application__unit"),
    "batch": ("distribution.Batch", "unit"),
    "loan": ("distribution.Loan", "unit"),
    "stock_item": ("distribution.StockItem", "institution"),
}

# Kinds that belong to the whole institution, not to one unit: another unit's object of these kinds
# is not another unit's secret (reviewed). Another institution's object must still answer 404.
INSTITUTION_WIDE = {
    "dedup_run": "a batch duplicate run covers the institution's registry; it lists only the records "
    "the reader may see (beneficiaries/views/dedup.py)",
    "stock_item": "the catalogue of goods is the institution's; items are read by every unit and "
    "changed at the institution only (scoping_distribution_stock.py)",
}

# Public pages (no login), reviewed. Each is checked by test_access_audit.test_public_pages_reveal_nothing_private.
PUBLIC_REASONS = {
    "accounts:login": "the sign-in form",
    "regions:pick": "the address picker: Indonesia's official administrative areas (public reference data)",
    "regions:options": "the areas directly under an area code (public reference data)",
    "regions:lookup": "areas by name or code (public reference data)",
    "set_language": "switches the interface language of the visitor's session",
    "collection:calculator_public": "an institution's zakat calculator: rates and nisab only",
    "collection:campaign_public": "a public campaign's target and total, no donor",
    "collection:ways_to_give": "an office's bank accounts, address, hours and WhatsApp; a campaign "
    "by code of the same institution only (throttled)",
    "collection:receipt_verify": "a receipt's number, date, amount and status by its unguessable "
    "token, nothing about the donor",
    "accounts:password_reset": "asks for a password reset link by e-mail; the same answer whether or not an "
    "account has the address (rate-limited)",
    "accounts:password_reset_sent": "says a link may be on its way, nothing about any account",
    "accounts:password_reset_confirm": "a new password by a one-time signed link; a wrong link shows nothing",
    "accounts:password_reset_complete": "says the new password is saved and links to the login",
    "distribution:public_index": "the institutions with programs open to online applications",
    "distribution:public_apply": "an institution's programs open to online applications",
    "distribution:public_apply_program": "the application form of one open program",
    "distribution:public_sent": "the tracking code after sending, and the steps, nothing about the person",
    "distribution:public_status": "an application's steps by tracking code, nothing about the person",
    "api-v1:openapi-json": "the API's schema: describes endpoints, holds no data",
    "api-v1:openapi-view": "the API's documentation page over the schema",
    "api-v1:api-root": "the API's root: names the documentation, holds no data",
    "api_unknown_path": "any /api/ path no endpoint answers: 404 in the API's error shape, reads nothing",
}

# Public API operations (no token), reviewed; checked by test_access_audit.test_public_api_reveals_nothing_private.
PUBLIC_API_REASONS = {
    ("get", "/api/v1/public/aid-programs"): "the programs open to online applications",
    ("post", "/api/v1/public/aid-applications"): "an applicant sends an application (throttled, "
    "refused with a staff token)",
    ("get", "/api/v1/public/aid-applications/{tracking_code}"): "an application's steps by tracking code",
    ("get", "/api/v1/public/receipts/{token}"): "receipt verification by its unguessable token",
}

# The service desk's areas keep their kinds and reviewed public reasons beside their matrix entries.
from tests.scoping_servicedesk import SERVICEDESK_AREAS  # noqa: E402

for _area in SERVICEDESK_AREAS:
    KIND_OWNERS.update(_area.KIND_OWNERS)
    PUBLIC_REASONS.update(_area.PUBLIC_REASONS)
    PUBLIC_API_REASONS.update(getattr(_area, "PUBLIC_API_REASONS", {}))

# One's own settings, reviewed: every role, the auditor too, may change them for themselves.
PERSONAL_REASONS = {
    "api:tokens": "one's own API tokens",
    "api:token_revoke": "revokes one of one's own API tokens",
    "accounts:password_change": "one's own password",
    "accounts:logout": "ends one's own session",
    "organizations:switch_unit": "chooses which of one's own units is active",
    "set_language": "the interface language",
}

OPERATOR_PREFIX = "operator/"
OPERATOR_REASON = "operator admin: superusers only (core/admin_site.py)"

# The extra checks of tests/test_access_audit.py, by what they exercise.
AUDIT = "tests/test_access_audit.py::"
MATRIX = "tests/test_scoping_matrix.py::"
API = "tests/test_api_matrix.py::"


@dataclass
class Row:
    area: str
    kind: str  # "view" or "endpoint"
    name: str
    target: str  # route or "METHOD /path"
    checks: dict = field(default_factory=dict)  # column -> "test ..." or "n/a: reason"; missing = uncovered

    @property
    def missing(self) -> list[str]:
        return [column for column in COLUMNS if not self.checks.get(column)]

    @property
    def covered(self) -> bool:
        return not self.missing


def _area_of_callback(callback, route: str) -> str:
    if route.startswith(OPERATOR_PREFIX):
        return "operator"
    module = getattr(callback, "__module__", "") or ""
    wrapped = getattr(callback, "__wrapped__", None)
    if not module.startswith("satuatap.") and wrapped is not None:
        module = getattr(wrapped, "__module__", module)
    parts = module.split(".")
    if parts[0] == "satuatap" and len(parts) > 1:
        return parts[1]
    return "api" if route.startswith("api/") else parts[0]


def _area_of_operation(operation: dict) -> str:
    # Ninja names operations "satuatap_<app>_<module>_<function>".
    parts = operation.get("operationId", "").split("_")
    return parts[1] if len(parts) > 2 and parts[0] == "satuatap" else "api"


def view_rows(views: list | None = None) -> list[Row]:
    """A row per URL pattern of the site (API operations are counted as endpoints, not here).

    ``views``: the staff views as ``scoping.staff_views()`` gives them; by default the very lists
    the matrix tests are parametrized over.
    """
    from tests import scoping
    from tests.test_access_audit import PUBLIC_PAGES
    from tests.test_scoping_matrix import LIST_VIEWS, OBJECT_VIEWS, PERSONAL, VIEWS

    if views is None:
        views, object_list, list_list = VIEWS, OBJECT_VIEWS, LIST_VIEWS
    else:  # split as tests/test_scoping_matrix.py does
        object_list = [v for v in views if v[2] and v[1] not in scoping.PUBLIC]
        list_list = [v for v in views if not v[2] and v[1] not in scoping.PUBLIC]
    object_views = {name for _r, name, _k in object_list}
    list_views = {name for _r, name, _k in list_list}
    matrix_names = {name for _r, name, _k in views}
    callbacks = {name: pattern.callback for _route, name, pattern in scoping.iter_patterns() if name}
    rows = []
    # The staff UI as the matrix sees it (a view taking a report slug appears once per slug).
    for route, name, kwargs in views:
        callback = callbacks.get(name) or callbacks.get((name or "").rsplit(":", 1)[0])
        row = Row(_area_of_callback(callback, route), "view", name or route, "/" + route)
        if name in scoping.PUBLIC:
            reason = PUBLIC_REASONS.get(name)
            checked = name in PUBLIC_PAGES
            if reason and checked:
                for column in COLUMNS:
                    row.checks[column] = f"public: {reason}; {AUDIT}test_public_pages_reveal_nothing_private"
        else:
            anonymous = f"{MATRIX}test_anonymous_is_sent_to_login"
            if name in PERSONAL:
                auditor = f"n/a, personal: {PERSONAL_REASONS[name]}" if name in PERSONAL_REASONS else ""
            else:
                auditor = f"{MATRIX}test_auditor_cannot_write_anything"
            if name in object_views:
                object_kind = scoping.OBJECT_KINDS.get(name)
                known = object_kind in KIND_OWNERS and kwargs == ["pk"]
                outsider = f"{MATRIX}test_outsider_cannot_reach_objects_of_other_units [{object_kind}]"
                if known:
                    row.checks["other institution"] = outsider
                    row.checks["other unit"] = (
                        f"n/a, institution-wide: {INSTITUTION_WIDE[object_kind]}"
                        if object_kind in INSTITUTION_WIDE
                        else outsider
                    )
            elif name in list_views:
                variants = len(scoping.LIST_VARIANTS.get(name, [""]))
                row.checks["other unit"] = (
                    f"{MATRIX}test_lists_and_exports_show_nothing_outside_scope ({variants} variants)"
                )
                row.checks["other institution"] = (
                    f"{MATRIX}test_institution_root_admin_sees_nothing_of_another_institution"
                )
            row.checks["auditor"] = auditor
            row.checks["anonymous"] = anonymous
        rows.append(row)
    # Everything the staff matrix leaves to others: the API's own routes and the operator admin.
    for route, name, pattern in scoping.iter_patterns():
        if not route.startswith(scoping.SKIP_PREFIXES) or (name in matrix_names and name):
            continue
        if _is_api_operation_route(route):
            continue  # counted once per operation of the schema (api_rows)
        area = _area_of_callback(pattern.callback, route)
        row = Row(area, "view", name or route, "/" + route)
        if route.startswith(OPERATOR_PREFIX):
            for column in COLUMNS:
                row.checks[column] = f"closed: {OPERATOR_REASON}; {AUDIT}test_operator_admin_is_closed_everywhere"
        elif name in PUBLIC_REASONS:
            for column in COLUMNS:
                row.checks[column] = f"public: {PUBLIC_REASONS[name]}; {AUDIT}test_api_documentation_shows_no_data"
        rows.append(row)
    return rows


@lru_cache(maxsize=1)
def _operation_paths() -> frozenset:
    from tests.scoping import api_operations

    return frozenset(path for _method, path, _params, _op in api_operations())


def _is_api_operation_route(route: str) -> bool:
    """Is this URL pattern one of the schema's operations (counted as an endpoint instead)?"""
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) in _operation_paths()


def api_rows() -> list[Row]:
    """A row per operation of the OpenAPI schema."""
    from tests import scoping
    from tests.test_access_audit import QUERY_ID_PARAMS

    writes = {"post", "put", "patch", "delete"}
    rows = []
    for method, path, params, operation in scoping.api_operations():
        row = Row(
            _area_of_operation(operation), "endpoint", operation.get("operationId", ""), f"{method.upper()} {path}"
        )
        if (method, path) in scoping.PUBLIC_API:
            reason = PUBLIC_API_REASONS.get((method, path))
            if reason:
                for column in COLUMNS:
                    row.checks[column] = f"public: {reason}; {AUDIT}test_public_api_reveals_nothing_private"
            rows.append(row)
            continue
        known = all(scoping.API_PARAMS.get(p) in KIND_OWNERS or scoping.API_PARAMS.get(p) == "user" for p in params)
        body = method not in writes or (method, path) in scoping.API_BODIES
        outsider = f"{API}test_outsider_token_reaches_nothing_of_other_units"
        if known and body:
            kinds = sorted({scoping.API_PARAMS[p] for p in params})
            suffix = f" [{', '.join(kinds)}]" if kinds else ""
            row.checks["other unit"] = outsider + suffix
            if params or method in writes:
                row.checks["other institution"] = outsider + suffix
            else:
                queries = [p["name"] for p in operation.get("parameters", []) if p["name"] in QUERY_ID_PARAMS]
                extra = f"; {AUDIT}test_api_ids_of_other_institutions_in_queries {queries}" if queries else ""
                row.checks["other institution"] = (
                    f"{outsider}; {AUDIT}test_institution_root_admin_token_sees_nothing_of_another_institution{extra}"
                )
        if method in writes:
            row.checks["auditor"] = f"{API}test_auditor_token_writes_nothing" if body else ""
        else:
            row.checks["auditor"] = "n/a: a read (an auditor reads everything in scope)"
        row.checks["anonymous"] = f"{API}test_no_token_is_unauthenticated_with_the_error_shape" if body else ""
        rows.append(row)
    return rows


def coverage() -> dict:
    views, endpoints = view_rows(), api_rows()
    areas: dict = defaultdict(lambda: {"views": [0, 0], "endpoints": [0, 0]})
    for row in views + endpoints:
        counts = areas[row.area]["views" if row.kind == "view" else "endpoints"]
        counts[1] += 1
        counts[0] += row.covered
    return {"views": views, "endpoints": endpoints, "areas": dict(sorted(areas.items()))}


def _percent(covered: int, existing: int) -> str:
    return f"{100 * covered / existing:.1f}%" if existing else "-"


def report(full: bool = False) -> str:
    data = coverage()
    lines = ["Access-control coverage (the matrix over every route and API operation)", ""]
    header = f"{'area':<16} {'views':>10} {'endpoints':>10} {'covered':>9}"
    lines += [header, "-" * len(header)]
    total = {"views": [0, 0], "endpoints": [0, 0]}
    for area, counts in data["areas"].items():
        v, e = counts["views"], counts["endpoints"]
        for key in total:
            total[key][0] += counts[key][0]
            total[key][1] += counts[key][1]
        lines.append(
            f"{area:<16} {f'{v[0]}/{v[1]}':>10} {f'{e[0]}/{e[1]}':>10} {_percent(v[0] + e[0], v[1] + e[1]):>9}"
        )
    v, e = total["views"], total["endpoints"]
    lines.append("-" * len(header))
    lines.append(f"{'total':<16} {f'{v[0]}/{v[1]}':>10} {f'{e[0]}/{e[1]}':>10} {_percent(v[0] + e[0], v[1] + e[1]):>9}")
    lines.append(f"views {_percent(*v)} ({v[0]}/{v[1]}), API operations {_percent(*e)} ({e[0]}/{e[1]})")
    uncovered = [row for row in data["views"] + data["endpoints"] if not row.covered]
    if uncovered:
        lines += ["", "NOT COVERED:"]
        lines += [f"  {row.area}: {row.target} ({row.name}) lacks {', '.join(row.missing)}" for row in uncovered]
    if full:
        lines += ["", "Every route and operation:"]
        for row in data["views"] + data["endpoints"]:
            lines.append(f"  [{row.area}] {row.target} ({row.name})")
            for column in COLUMNS:
                lines.append(f"      {column:<17} {row.checks.get(column) or 'NOT COVERED'}")
    return "\n".join(lines) + "\n"


# The last table the coverage test computed, shown in the pytest summary (tests/access_report_plugin.py).
LAST_REPORT: str | None = None

REPORT_PATH = Path(__file__).resolve().parent.parent / "var" / "access-coverage.txt"


def write_report() -> str:
    text = report(full=True)
    REPORT_PATH.parent.mkdir(exist_ok=True)
    REPORT_PATH.write_text(text)
    return text


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
    import django

    django.setup()
    text = report(full="--full" in argv)
    sys.stdout.write(text)
    return 1 if "NOT COVERED" in text else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
