"""The access-control audit requires 100%: every route of the site and every API operation is
exercised by the matrix for every kind of outsider, or is on a reviewed allow-list with its reason.

The report is written to var/access-coverage.txt and shown at the end of the pytest run
(tests/access_report_plugin.py); ``.venv/bin/python -m tests.access_coverage`` prints it alone.
"""

import pytest

from satuatap.organizations.models import Unit
from tests import access_coverage
from tests import test_scoping_matrix as _matrix
from tests.access_coverage import INSTITUTION_WIDE, KIND_OWNERS, PERSONAL_REASONS, PUBLIC_API_REASONS, PUBLIC_REASONS
from tests.scoping import API_PARAMS, OBJECT_KINDS, PUBLIC, PUBLIC_API, api_operations
from tests.test_scoping_matrix import OBJECT_VIEWS, PERSONAL

# The staff matrix's fixtures: objects of other units and of another institution.
books, foreign = _matrix.books, _matrix.foreign


def test_every_route_and_operation_is_covered():
    text = access_coverage.write_report()
    access_coverage.LAST_REPORT = access_coverage.report()
    data = access_coverage.coverage()
    uncovered = [
        f"{row.target} ({row.name}): {', '.join(row.missing)}"
        for row in data["views"] + data["endpoints"]
        if not row.covered
    ]
    assert uncovered == [], "Not covered by the access matrix:\n" + "\n".join(uncovered)
    assert len(data["views"]) > 250 and len(data["endpoints"]) > 80
    assert "NOT COVERED" not in text


def test_the_allow_lists_are_reviewed_and_current():
    """Every public or personal exception has a reason, and no reason outlives its route."""
    assert set(PUBLIC) <= set(PUBLIC_REASONS), f"public without a reason: {set(PUBLIC) - set(PUBLIC_REASONS)}"
    assert set(PERSONAL) == set(PERSONAL_REASONS)
    assert set(PUBLIC_API) == set(PUBLIC_API_REASONS)
    from tests.scoping import iter_patterns

    names = {name for _route, name, _pattern in iter_patterns()}
    assert set(PUBLIC_REASONS) <= names, f"reasons for routes that no longer exist: {set(PUBLIC_REASONS) - names}"
    assert all(len(reason) > 10 for reason in [*PUBLIC_REASONS.values(), *PUBLIC_API_REASONS.values()])


def test_the_report_names_what_is_missing(monkeypatch):
    """A route the matrix does not know is reported by name, and the coverage drops below 100%."""
    monkeypatch.setattr(access_coverage, "PUBLIC_REASONS", {})
    text = access_coverage.report()
    assert "NOT COVERED" in text
    assert "/bantuan/ (distribution:public_index) lacks other unit, other institution, auditor, anonymous" in text
    total = next(line for line in text.splitlines() if line.startswith("total"))
    assert "100.0%" not in total


def test_a_new_view_without_a_matrix_entry_is_reported(settings):
    settings.ROOT_URLCONF = "tests.leaky_urls"
    from tests.scoping import staff_views

    rows = {row.name: row for row in access_coverage.view_rows(staff_views())}
    assert rows["leak_detail"].missing == ["other unit", "other institution"]
    assert rows["leak_list"].covered  # a list page is exercised as soon as it exists (and fails if it leaks)


def _owners(kind: str, pks) -> list[tuple[int, str]]:
    """(institution id, unit path) of each existing object of ``kind`` among ``pks``."""
    from django.apps import apps

    label, *lookups = KIND_OWNERS[kind]
    model = apps.get_model(label)
    owners = []
    for pk in pks:
        unit_ids = [next((u for u in row if u), None) for row in model.objects.filter(pk=pk).values_list(*lookups)]
        for unit in Unit.objects.filter(pk__in=[u for u in unit_ids if u]):
            owners.append((unit.institution_id or unit.pk, unit.path))
    return owners


def _reach_gaps(world, kinds_to_pks: dict) -> list[str]:
    """The kinds whose ids lack an object of another unit of ALPHA or an object of BETA."""
    gaps = []
    for kind, pks in sorted(kinds_to_pks.items()):
        if kind not in KIND_OWNERS:
            gaps.append(f"{kind}: unknown kind (add it to tests/access_coverage.py KIND_OWNERS)")
            continue
        owners = _owners(kind, pks)
        if not any(institution == world.beta.pk for institution, _path in owners):
            gaps.append(f"{kind}: no object of another institution")
        outside_a = [
            path
            for institution, path in owners
            if institution == world.alpha.pk and not path.startswith(world.branch_a.path)
        ]
        if kind not in INSTITUTION_WIDE and not outside_a:
            gaps.append(f"{kind}: no object of another unit of the same institution")
    return gaps


def test_foreign_objects_span_other_units_and_other_institutions(world, foreign):
    """What the staff matrix tries on every view with an object id: objects of branch B (or another
    unit of ALPHA outside branch A) and of BETA, for every kind of object."""
    used = {OBJECT_KINDS[name] for _route, name, _kwargs in OBJECT_VIEWS}
    kinds = {kind: [obj.pk for obj in foreign[kind]] for kind in used}
    assert _reach_gaps(world, kinds) == []


def test_api_ids_span_other_units_and_other_institutions(world):
    """The same for every path parameter of the API (its public operations aside)."""
    from tests.test_api_matrix import foreign_id_sets, matrix_ids

    sets = foreign_id_sets(world, matrix_ids(world))
    public_params = {p for m, path, params, _op in api_operations() if (m, path) in PUBLIC_API for p in params}
    private_params = {p for m, path, params, _op in api_operations() if (m, path) not in PUBLIC_API for p in params}
    kinds = {API_PARAMS[p]: [ids[API_PARAMS[p]] for ids in sets] for p in private_params}
    assert _reach_gaps(world, kinds) == []
    # A public unit's address is its institution's and its own code (``unit_public``), never an id.
    assert public_params - private_params <= {"token", "tracking_code", "institution", "unit"}


@pytest.mark.parametrize("kind", sorted(INSTITUTION_WIDE))
def test_institution_wide_kinds_are_used(kind):
    """An exemption from the other-unit check names a kind some view or operation really takes."""
    assert kind in set(OBJECT_KINDS.values()) | set(API_PARAMS.values())
