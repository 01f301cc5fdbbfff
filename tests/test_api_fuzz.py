"""Schemathesis over every operation of the OpenAPI schema, as each role and anonymously.

Each pass builds one world with data in the caller's units and in other units and institutions
(the access matrix's builders), then lets schemathesis generate requests for every operation:
path ids are drawn from objects that exist (own, another unit's, another institution's, missing)
or generated freely. Every response must be free of server errors, carry a documented status code
and content type, and match the response schema declared for that code. Each example runs in a
savepoint that is rolled back, so a write does not change what the next example finds.

Requests go through Django's WSGI handler in this process and this test's database transaction.
"""

import json
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from satuatap.api.core import api
from satuatap.api.services import api_token_create
from satuatap.distribution.models import Application
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant
from tests.scoping import API_PARAMS
from tests.scoping_beneficiaries import beneficiary_matrix_ids
from tests.scoping_collection import collection_matrix_ids
from tests.scoping_distribution import distribution_matrix_ids
from tests.scoping_ledger import ledger_matrix_ids
from tests.test_api_matrix import closure_matrix_ids

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and pass: 92 operations x 7 passes stay within the CI budget on two cores.
MAX_EXAMPLES = 5
# The tracking code tried where an id set has no application: no application has it (a 404 to check).
UNKNOWN_TRACKING_CODE = "XXXX-XXXX"
# Personas of branch A: the conftest world has admin, auditor and front office; the others are added here.
PERSONAS = {
    Role.ADMIN: "alice",
    Role.FRONT_OFFICE: "frank",
    Role.AUDITOR: "audrey",
    Role.FINANCE: None,
    Role.PROGRAM: None,
    Role.HEAD: None,
}


class DjangoApp:
    """Django's WSGI handler without closing the database connection around each request.

    A request finished outside a test would close an unusable connection; here it is the test's own
    connection, inside the transaction pytest-django rolls back (the test client does the same).
    """

    def __init__(self):
        self.handler = WSGIHandler()
        self.exceptions: list[BaseException] = []

    def __call__(self, environ, start_response):
        return self.handler(environ, start_response)


@pytest.fixture
def app():
    app = DjangoApp()

    def keep(sender, request=None, **kwargs):
        import sys

        app.exceptions.append(sys.exc_info()[1])

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep, weak=False)
    try:
        yield app
    finally:
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(world):
    """Objects of branch A's subtree, of branch B and of institution BETA, and ids that do not exist."""
    ledger = ledger_matrix_ids(world)
    collection = collection_matrix_ids(world)
    registry = beneficiary_matrix_ids(world)
    payouts = distribution_matrix_ids(world)
    closures = closure_matrix_ids(world)
    own = {**ledger["own"], **collection["own"], **registry["own"], **payouts["own"], "closure": closures["own"]}
    foreign_b = {
        **ledger["foreign"][0],
        **collection["foreign"][0],
        **registry["foreign"][0],
        **payouts["foreign"][0],
        "closure": closures["foreign"][0],
    }
    foreign_beta = {
        **ledger["foreign"][2],
        **collection["foreign"][2],
        **registry["foreign"][1],
        **payouts["foreign"][1],
        "closure": closures["foreign"][1],
    }
    id_sets = [
        own | {"unit": world.branch_a.pk, "membership": world.memberships.frank.pk},
        own | {"unit": world.branch_a_sub.pk, "membership": world.memberships.audrey.pk},
        foreign_b | {"unit": world.branch_b.pk, "membership": world.memberships.bob.pk},
        foreign_beta | {"unit": world.beta_branch.pk, "membership": world.memberships.alice.pk},
    ]
    for ids in id_sets:
        application = Application.objects.filter(pk=ids["application"]).first()
        ids["tracking_code"] = application.tracking_code if application else UNKNOWN_TRACKING_CODE
    return world, id_sets


def token_for(world, role) -> str | None:
    if role is None:
        return None
    username = PERSONAS[role]
    if username is None:
        user = UserFactory(username=f"fuzz-{role}")
        grant(user, world.branch_a, role)
    else:
        user = getattr(world, username)
    return api_token_create(actor=user, name="fuzz")[1]


def path_values(params: list[str], ids: dict) -> dict:
    values = {}
    for name in params:
        kind = "tracking_code" if name == "tracking_code" else API_PARAMS[name]
        values[name] = ids[kind]
    return values


@dataclass
class Findings:
    by_operation: dict[str, list[str]] = field(default_factory=dict)

    def add(self, label: str, failures: FailureGroup, case, exception: BaseException | None):
        seen = self.by_operation.setdefault(label, [])
        for failure in failures.exceptions:
            title = f"{failure.title}: {failure.message}".strip()[:600]
            if any(title in text for text in seen):
                continue
            text = f"{title}\n    {case.as_curl_command()}"
            if exception is not None:
                text += f"\n    raised {exception!r}"
            seen.append(text)


def check(app, case, headers, label, findings: Findings):
    """Send one case in a savepoint that is rolled back, and keep what the checks find."""
    app.exceptions.clear()
    with transaction.atomic():
        response = case.call(app=app, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as failures:
            findings.add(label, failures, case, app.exceptions[-1] if app.exceptions else None)
        transaction.set_rollback(True)


def fuzz_operation(app, operation, headers, id_sets, findings: Findings):
    """Hypothesis-generated requests: path ids of existing objects (twice as often) or generated ones."""
    params = [p.name for p in operation.path_parameters]
    generated = operation.as_strategy()
    if params:
        existing = st.sampled_from(id_sets).flatmap(
            lambda ids: operation.as_strategy(path_parameters=path_values(params, ids))
        )
        strategy = st.one_of(existing, existing, generated)
    else:
        strategy = generated
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same requests on every run: CI is repeatable
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        check(app, case, headers, label, findings)

    run()


def cover_operation(schema, app, operation, headers, id_sets, findings: Findings):
    """Schemathesis' coverage phase: boundary values of every parameter and body field (no randomness).
    Every other case addresses an existing object of the caller's units instead of a generated id."""
    params = [p.name for p in operation.path_parameters]
    label = f"{operation.method.upper()} {operation.path}"
    config = schema.config.generation_for(operation=operation)
    cases = schema.iter_coverage_cases(operation, generation_modes=[GenerationMode.POSITIVE], generation_config=config)
    for number, case in enumerate(cases):
        if params and number % 2 == 0:
            case.path_parameters = path_values(params, id_sets[0])
        check(app, case, headers, label, findings)


def load_schema():
    raw = api.get_openapi_schema()
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw)))


PASSES = [*PERSONAS, None]


def report(findings: Findings) -> str:
    return "\n\n".join(f"== {label}\n" + "\n--\n".join(texts) for label, texts in findings.by_operation.items())


@pytest.mark.parametrize("role", PASSES, ids=[str(r or "anonymous") for r in PASSES])
def test_every_operation_answers_as_documented(app, fuzz_world, role):
    world, id_sets = fuzz_world
    token = token_for(world, role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    schema = load_schema()
    findings = Findings()
    for result in schema.get_all_operations():
        fuzz_operation(app, result.ok(), headers, id_sets, findings)
    assert not findings.by_operation, f"{len(findings.by_operation)} operations misbehave:\n{report(findings)}"


def test_boundary_values_of_every_operation_answer_as_documented(app, fuzz_world):
    """The coverage phase as the branch admin, the role that reaches the most operations."""
    world, id_sets = fuzz_world
    headers = {"Authorization": f"Bearer {token_for(world, Role.ADMIN)}"}
    schema = load_schema()
    findings = Findings()
    for result in schema.get_all_operations():
        cover_operation(schema, app, result.ok(), headers, id_sets, findings)
    assert not findings.by_operation, f"{len(findings.by_operation)} operations misbehave:\n{report(findings)}"


# --- what the fuzzing found, pinned ----------------------------------------------------------------


def test_pages_beyond_a_64_bit_offset_are_refused_not_a_server_error(world):
    from django.test import Client

    token = api_token_create(actor=world.alice, name="fuzz")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    for query in ("limit=136321973764522983424", "offset=136321973764522983424", "limit=1001", "limit=0"):
        response = client.get(f"/api/v1/units/{world.branch_a.pk}/audit-events?{query}")
        assert response.status_code == 422, query
        assert set(response.json()["error"]["fields"]) <= {"limit", "offset"}
    assert client.get("/api/v1/audit-events?limit=1000&offset=1000000000").status_code == 200


def test_an_api_path_no_route_matches_answers_in_the_api_error_shape(world):
    from django.test import Client

    token = api_token_create(actor=world.alice, name="fuzz")[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/beneficiaries/-1257/aid")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_donors_contact_channel_is_published_under_its_own_name():
    """Distribution's application ``Channel`` once replaced the donors' one in the schema."""
    components = api.get_openapi_schema()["components"]["schemas"]
    assert components["ContactChannel"]["enum"] == ["whatsapp", "email", "phone", "none"]
    assert "whatsapp" not in components["Channel"]["enum"]


def test_a_consolidated_general_ledger_is_answered(world):
    """Journal lines have no institution column: the consolidated general ledger was a 500."""
    from django.test import Client

    account = ledger_matrix_ids(world)["own"]["account"]
    token = api_token_create(actor=world.alice, name="fuzz")[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        f"/api/v1/ledger/reports/general-ledger/{account}?start=2025-01&end=2025-12&consolidated=true"
    )
    assert response.status_code == 200, response.content
    assert response.json()["lines"] == []  # the own entry is a draft: nothing posted yet


def test_nul_characters_are_refused_in_bodies_and_query_strings(world):
    """PostgreSQL cannot store or compare NUL: a name with one was a 500 there."""
    from django.test import Client

    token = api_token_create(actor=world.alice, name="fuzz")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    body = {"unit_id": world.branch_a.pk, "name": "Beras\x00", "measure": "kg"}
    response = client.post("/api/v1/distribution/stock/items", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"] == {"name": ["Null characters are not allowed."]}
    assert client.get("/api/v1/donors?q=a%00b").status_code == 422
    assert Client().get("/api/v1/public/receipts/a%00b").status_code == 404
