"""The ledger over the REST API: reads in scope, manual entries with maker-checker, transfers, reports.

Personas come from the ``ledger`` fixture: fiona = finance of branch A, felix = finance
of branch B, fatma = finance of the ALPHA root, hank = head of branch A; from ``world``:
alice = admin of branch A, audrey = auditor of branch A, bob = admin of branch B,
eve = admin of BETA, frank = front office of branch A.
"""

import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from satuatap.api.core import api as ninja_api
from satuatap.api.services import api_token_create
from satuatap.ledger import services
from satuatap.ledger.models import (
    Account,
    EntryStatus,
    FundPosition,
    JournalEntry,
    JournalLine,
    LedgerBalance,
    Period,
    Source,
)
from satuatap.ledger.services import LineSpec
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant
from tests.scoping_ledger import LEDGER_API_BODIES, LEDGER_OBJECT_KINDS, SECRET, ledger_matrix_ids

from .conftest import DAY, cash_code, donate, posted_manual, remit_and_hold_in_trust

BASE = "/api/v1/ledger"
WRITES = {"post", "put", "patch", "delete"}


class Api:
    """A client holding one persona's token (``None``: no token at all; ``session``: logged in instead).

    It asks for English messages, which the tests match on."""

    def __init__(self, user, *, session=False):
        self.headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
        self.client = Client()
        if session:
            self.client.force_login(user)
        elif user is not None:
            self.headers["HTTP_AUTHORIZATION"] = "Bearer " + api_token_create(actor=user, name="test")[1]

    def call(self, method, path, body=None, **headers):
        url = path if path.startswith("/api/") else BASE + path
        kwargs = {**self.headers, **headers}
        if body is not None:
            return getattr(self.client, method)(url, json.dumps(body), content_type="application/json", **kwargs)
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **query):
        return self.client.get(BASE + path, query, **self.headers)

    def post(self, path, body=None, **headers):
        return self.call("post", path, body, **headers)

    def patch(self, path, body):
        return self.call("patch", path, body)


@pytest.fixture
def api():
    return Api


def _lines(unit, amount=5_000, debit="1300"):
    return [
        {"account_code": debit, "fund_kind": "zakat", "debit": amount},
        {"account_code": cash_code(unit), "fund_kind": "zakat", "credit": amount},
    ]


def _draft_body(unit, **kw):
    return {"unit_id": unit.pk, "entry_date": "2025-03-10", "memo": "Reclassify to goods", "lines": _lines(unit)} | kw


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


# --- chart and funds ------------------------------------------------------------------------------


def test_chart_of_accounts_lists_institution_accounts_but_only_own_offices_cash(ledger, api):
    w = ledger.world
    response = api(ledger.fiona).get("/accounts", limit=1000)
    assert response.status_code == 200
    codes = {a["code"] for a in response.json()["items"]}
    assert {"1100.BRA", "1100.BRAS1", "4110", "5101"} <= codes
    assert "1100.BRB" not in codes and SECRET.encode() not in response.content
    cash = api(ledger.fiona).get("/accounts", role="cash").json()["items"]
    assert {a["code"] for a in cash} == {"1100.BRA", "1100.BRAS1"}
    assert all(a["unit_id"] in (w.branch_a.pk, w.branch_a_sub.pk) for a in cash)
    zakat = api(ledger.fiona).get("/accounts", fund_kind="zakat", limit=1000).json()["items"]
    assert zakat and all(a["fund_kind"] == "zakat" for a in zakat)
    assert api(ledger.fiona).get("/accounts", active="false").json()["count"] == 0


def test_one_account_in_scope_and_others_are_not_found(ledger, api):
    w = ledger.world
    services.chart_create_default(actor=w.eve, institution=w.beta)
    own = Account.objects.get(institution=w.alpha, code="4110")
    response = api(ledger.fiona).get(f"/accounts/{own.pk}")
    assert response.status_code == 200 and response.json()["code"] == "4110"
    beta_account = Account.objects.get(institution=w.beta, code="4110")
    branch_b_cash = Account.objects.get(institution=w.alpha, code="1100.BRB")
    for user, account in [(ledger.fiona, beta_account), (ledger.fiona, branch_b_cash), (w.eve, own)]:
        assert _error(api(user).get(f"/accounts/{account.pk}"), 404)["code"] == "not_found"
    assert api(w.eve).get(f"/accounts/{beta_account.pk}").status_code == 200


def test_funds_are_listed_and_other_institutions_are_not_found(ledger, api):
    w = ledger.world
    funds = api(ledger.fiona).get("/funds").json()["items"]
    assert [f["kind"] for f in funds] == ["zakat", "infak", "infak_restricted", "amil", "non_halal", "dskl"]
    assert _error(api(ledger.fiona).get("/funds", unit_id=w.beta.pk), 404)
    assert _error(api(ledger.fiona).get("/funds", unit_id=w.branch_b.pk), 404)


def test_roles_without_ledger_access_are_refused(ledger, api):
    w = ledger.world
    for path in ("/accounts", "/funds", "/balances", "/reports/trial-balance"):
        assert _error(api(w.frank).get(path), 403)["code"] == "forbidden"
        assert _error(api(w.nina, session=True).get(path), 403)  # no role: no token either
    assert api(w.frank).get("/entries").json()["count"] == 0


# --- entries --------------------------------------------------------------------------------------


def test_entries_are_listed_in_scope_with_filters(ledger, api):
    w = ledger.world
    a1 = donate(w.branch_a, 1_000, entry_date=date(2025, 2, 5))
    a2 = donate(w.branch_a_sub, 2_000)
    b1 = donate(w.branch_b, 3_000)
    fiona = api(ledger.fiona)
    ids = [e["id"] for e in fiona.get("/entries").json()["items"]]
    assert ids == [a2.pk, a1.pk]
    assert [e["id"] for e in fiona.get("/entries", date_from="2025-03-01").json()["items"]] == [a2.pk]
    assert [e["id"] for e in fiona.get("/entries", date_to="2025-02-28").json()["items"]] == [a1.pk]
    assert [e["id"] for e in fiona.get("/entries", unit_id=w.branch_a_sub.pk).json()["items"]] == [a2.pk]
    assert fiona.get("/entries", source="manual").json()["count"] == 0
    assert [e["id"] for e in api(ledger.felix).get("/entries").json()["items"]] == [b1.pk]
    assert _error(fiona.get("/entries", unit_id=w.branch_b.pk), 404)
    assert _error(fiona.get("/entries", date_from="yesterday"), 422)["fields"]
    item = fiona.get("/entries").json()["items"][0]
    assert item["unit_name"] == w.branch_a_sub.name and item["total"] == 2_000 and item["status"] == "posted"


def test_entry_list_costs_the_same_queries_for_more_entries(ledger, api):
    w = ledger.world
    fiona = api(ledger.fiona)
    donate(w.branch_a, 1_000)
    fiona.get("/entries")  # warm the token and session caches
    with CaptureQueriesContext(connection) as few:
        assert fiona.get("/entries").json()["count"] == 1
    for _ in range(5):
        donate(w.branch_a, 1_000)
    services.manual_entry_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="m",
        lines=[LineSpec("1300", "zakat", debit=1), LineSpec(cash_code(w.branch_a), "zakat", credit=1)],
    )
    with CaptureQueriesContext(connection) as many:
        assert fiona.get("/entries").json()["count"] == 6
    assert len(many) == len(few)


def test_entry_detail_shows_its_lines_and_outsiders_get_not_found(ledger, api):
    w = ledger.world
    entry = donate(w.branch_a, 7_000)
    response = api(ledger.fiona).get(f"/entries/{entry.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "donation" and body["reversed_by_id"] is None
    assert [(li["account_code"], li["debit"], li["credit"]) for li in body["lines"]] == [
        ("1100.BRA", 7_000, 0),
        ("4110", 0, 7_000),
    ]
    assert api(w.audrey).get(f"/entries/{entry.pk}").status_code == 200
    for outsider in (api(w.bob), api(ledger.felix), api(w.eve), api(w.frank), api(w.nina, session=True)):
        assert _error(outsider.get(f"/entries/{entry.pk}"), 404)["code"] == "not_found"
    assert _error(api(ledger.fiona).get("/entries/987654321"), 404)


# --- manual entries: maker-checker ----------------------------------------------------------------


def test_manual_entry_is_drafted_by_finance_and_posted_when_the_head_approves(ledger, api):
    w = ledger.world
    donate(w.branch_a, 10_000)
    response = api(ledger.fiona).post("/entries", _draft_body(w.branch_a))
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["source"] == "manual" and draft["total"] == 5_000
    assert draft["created_by"] == "fiona" and draft["posted_at"] is None
    assert [(li["account_code"], li["account_name"] != "", li["debit"]) for li in draft["lines"]] == [
        ("1300", True, 5_000),
        ("1100.BRA", True, 0),
    ]
    assert not JournalLine.objects.filter(entry_id=draft["id"]).exists()
    assert [e["id"] for e in api(ledger.hank).get("/entries", status="draft").json()["items"]] == [draft["id"]]

    approved = api(ledger.hank).post(f"/entries/{draft['id']}/approve")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "posted" and body["approved_by"] == "hank"
    assert JournalLine.objects.filter(entry_id=draft["id"]).count() == 2
    assert _error(api(ledger.hank).post(f"/entries/{draft['id']}/approve"), 400)


def test_the_maker_cannot_approve_their_own_draft(ledger, api):
    w = ledger.world
    both = UserFactory(username="mira")
    grant(both, w.branch_a, Role.FINANCE)
    grant(both, w.branch_a, Role.HEAD)
    draft = api(both).post("/entries", _draft_body(w.branch_a)).json()
    error = _error(api(both).post(f"/entries/{draft['id']}/approve"), 400)
    assert "another person must approve" in error["message"]
    # finance alone holds no approval at all
    assert _error(api(ledger.fiona).post(f"/entries/{draft['id']}/approve"), 403)["code"] == "forbidden"
    assert JournalEntry.objects.get(pk=draft["id"]).status == EntryStatus.DRAFT


def test_whoever_changed_a_draft_cannot_approve_it_either(ledger, api):
    w = ledger.world
    both = UserFactory(username="mira")
    grant(both, w.branch_a, Role.FINANCE)
    grant(both, w.branch_a, Role.HEAD)
    draft = api(ledger.fiona).post("/entries", _draft_body(w.branch_a)).json()
    changed = api(both).patch(f"/entries/{draft['id']}", {"memo": "Reclassify, corrected"})
    assert changed.status_code == 200 and changed.json()["updated_by"] == "mira"
    assert _error(api(both).post(f"/entries/{draft['id']}/approve"), 400)


def test_a_draft_can_be_changed_and_discarded_but_a_posted_entry_cannot(ledger, api):
    w = ledger.world
    fiona = api(ledger.fiona)
    draft = fiona.post("/entries", _draft_body(w.branch_a)).json()
    changed = fiona.patch(
        f"/entries/{draft['id']}", {"entry_date": "2025-03-12", "lines": _lines(w.branch_a, amount=9_000)}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["total"] == 9_000 and changed.json()["entry_date"] == "2025-03-12"
    assert changed.json()["memo"] == "Reclassify to goods"
    discarded = api(ledger.hank).post(f"/entries/{draft['id']}/discard")
    assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"
    assert "discarded" in _error(fiona.patch(f"/entries/{draft['id']}", {"memo": "again"}), 400)["message"]
    posted = donate(w.branch_a, 1_000)
    assert _error(fiona.patch(f"/entries/{posted.pk}", {"memo": "rewrite history"}), 400)
    assert _error(fiona.post(f"/entries/{posted.pk}/discard"), 400)
    assert JournalEntry.objects.get(pk=posted.pk).memo == ""


def test_bad_manual_entries_get_clear_messages_and_nothing_is_saved(ledger, api):
    w = ledger.world
    fiona = api(ledger.fiona)
    before = JournalEntry.objects.count()
    unbalanced = _draft_body(w.branch_a, lines=[*_lines(w.branch_a)[:1], _lines(w.branch_a, amount=4_000)[1]])
    error = _error(fiona.post("/entries", unbalanced), 400)
    assert error["code"] == "refused" and "lines" in error["fields"] and "must be equal" in error["message"]
    unknown = _draft_body(w.branch_a, lines=_lines(w.branch_a, debit="9999"))
    assert "9999" in _error(fiona.post("/entries", unknown), 400)["message"]
    assert "memo" in _error(fiona.post("/entries", _draft_body(w.branch_a, memo="  ")), 400)["fields"]
    assert (
        "entry_date" in _error(fiona.post("/entries", _draft_body(w.branch_a, entry_date="10/03/2025")), 422)["fields"]
    )
    negative = _draft_body(w.branch_a, lines=[{**_lines(w.branch_a)[0], "debit": -5}, _lines(w.branch_a)[1]])
    assert _error(fiona.post("/entries", negative), 422)["code"] == "invalid_input"
    assert _error(fiona.post("/entries", _draft_body(w.branch_b)), 404)
    line_elsewhere = _draft_body(w.branch_a, lines=[{**_lines(w.branch_a)[0], "unit_id": w.branch_b.pk}])
    assert _error(fiona.post("/entries", line_elsewhere), 422)  # one line only
    line_elsewhere["lines"].append(_lines(w.branch_a)[1])
    assert _error(fiona.post("/entries", line_elsewhere), 404)
    assert JournalEntry.objects.count() == before


def test_a_line_may_name_a_unit_below_the_entry(ledger, api):
    w = ledger.world
    donate(w.branch_a_sub, 5_000)
    lines = [
        {"account_code": "1300", "fund_kind": "zakat", "debit": 5_000, "unit_id": w.branch_a_sub.pk},
        {
            "account_code": cash_code(w.branch_a_sub),
            "fund_kind": "zakat",
            "credit": 5_000,
            "unit_id": w.branch_a_sub.pk,
        },
    ]
    response = api(ledger.fiona).post("/entries", _draft_body(w.branch_a, lines=lines))
    assert response.status_code == 201, response.content
    assert [li["unit_id"] for li in response.json()["lines"]] == [w.branch_a_sub.pk, w.branch_a_sub.pk]


# --- reversals ------------------------------------------------------------------------------------


def test_finance_reverses_a_posted_entry_once(ledger, api):
    entry = posted_manual(ledger, 5_000)
    fiona = api(ledger.fiona)
    response = fiona.post(f"/entries/{entry.pk}/reverse", {"reason": "Wrong account", "entry_date": "2025-03-11"})
    assert response.status_code == 201, response.content
    reversal = response.json()
    assert reversal["source"] == "reversal" and reversal["reverses_id"] == entry.pk
    assert [(li["account_code"], li["credit"]) for li in reversal["lines"]] == [("1300", 5_000), ("1100.BRA", 0)]
    assert fiona.get(f"/entries/{entry.pk}").json()["reversed_by_id"] == reversal["id"]
    assert (
        f"#{reversal['id']}" in _error(fiona.post(f"/entries/{entry.pk}/reverse", {"reason": "again"}), 400)["message"]
    )
    assert _error(fiona.post(f"/entries/{entry.pk}/reverse", {"reason": ""}), 422)
    assert _error(fiona.post(f"/entries/{reversal['id']}/reverse", {"reason": "undo"}), 400)


def test_donations_are_not_reversed_through_the_ledger_api(ledger, api):
    entry = donate(ledger.world.branch_a, 1_000)
    error = _error(api(ledger.fiona).post(f"/entries/{entry.pk}/reverse", {"reason": "bounced"}), 400)
    assert "void the receipt" in error["message"]
    assert not JournalEntry.objects.filter(source=Source.REVERSAL).exists()


def test_a_reversal_cannot_be_dated_before_the_entry(ledger, api):
    entry = posted_manual(ledger, 5_000)
    body = {"reason": "Wrong", "entry_date": "2025-03-01"}
    assert "entry_date" in _error(api(ledger.fiona).post(f"/entries/{entry.pk}/reverse", body), 400)["fields"]


# --- transfers and periods ------------------------------------------------------------------------


def _remit(ledger, **kw):
    return {
        "from_unit_id": ledger.world.branch_a.pk,
        "to_unit_id": ledger.world.region.pk,
        "kind": "remit",
        "fund_kind": "zakat",
        "amount": 600,
        "entry_date": "2025-03-10",
    } | kw


def test_transfer_is_idempotent_and_a_reused_key_with_other_content_is_a_conflict(ledger, api):
    w = ledger.world
    donate(w.branch_a, 1_000)
    fiona = api(ledger.fiona)
    first = fiona.post("/transfers", _remit(ledger), HTTP_IDEMPOTENCY_KEY="remit-1")
    assert first.status_code == 201, first.content
    assert first.json()["source"] == "transfer" and len(first.json()["lines"]) == 4
    again = fiona.post("/transfers", _remit(ledger), HTTP_IDEMPOTENCY_KEY="remit-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    same_in_body = fiona.post("/transfers", _remit(ledger, idempotency_key="remit-1"))
    assert same_in_body.json()["id"] == first.json()["id"]
    conflict = _error(fiona.post("/transfers", _remit(ledger, amount=500), HTTP_IDEMPOTENCY_KEY="remit-1"), 409)
    assert "already used" in conflict["message"]
    assert JournalEntry.objects.filter(source=Source.TRANSFER).count() == 1
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 400


def test_transfer_needs_one_key_and_stays_inside_the_tree(ledger, api):
    w = ledger.world
    donate(w.branch_a, 1_000)
    fiona = api(ledger.fiona)
    assert "idempotency_key" in _error(fiona.post("/transfers", _remit(ledger)), 422)["fields"]
    mismatch = fiona.post("/transfers", _remit(ledger, idempotency_key="a"), HTTP_IDEMPOTENCY_KEY="b")
    assert _error(mismatch, 422)
    sibling = fiona.post("/transfers", _remit(ledger, to_unit_id=w.branch_b.pk), HTTP_IDEMPOTENCY_KEY="x")
    assert _error(sibling, 404)
    foreign = fiona.post("/transfers", _remit(ledger, to_unit_id=w.beta.pk), HTTP_IDEMPOTENCY_KEY="y")
    assert _error(foreign, 404)
    too_much = fiona.post("/transfers", _remit(ledger, amount=5_000), HTTP_IDEMPOTENCY_KEY="z")
    assert "available" in _error(too_much, 400)["message"]
    assert not JournalEntry.objects.filter(source=Source.TRANSFER).exists()


def test_only_finance_or_heads_of_the_institution_close_a_period(ledger, api):
    w = ledger.world
    assert _error(api(ledger.fiona).post("/periods/close", {"year": 2025, "month": 3}), 403)
    response = api(ledger.fatma).post("/periods/close", {"year": 2025, "month": 3})
    assert response.status_code == 200, response.content
    assert response.json()["is_closed"] is True and response.json()["month"] == 3
    assert Period.objects.get(institution=w.alpha, year=2025, month=3).is_closed
    assert "closed" in _error(api(ledger.fiona).post("/entries", _draft_body(w.branch_a)), 400)["message"]
    periods = api(ledger.fiona).get("/periods", year=2025).json()["items"]
    assert [(p["month"], p["is_closed"]) for p in periods if p["month"] == 3] == [(3, True)]
    assert _error(api(ledger.fatma).post("/periods/close", {"year": 2025, "month": 13}), 422)


# --- balances and reports -------------------------------------------------------------------------


@pytest.fixture
def books(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_000, entry_date=date(2024, 3, 5))
    donate(w.branch_a, 400_000, account="4130")
    donate(w.branch_a, 200_000, fund="infak", account="4210")
    donate(w.branch_b, 300_000)
    remit_and_hold_in_trust(ledger)
    return ledger


def test_balances_per_unit_and_fund(books, api):
    w = books.world
    rows = api(books.fiona).get("/balances").json()
    zakat = next(r for r in rows if r["unit_id"] == w.branch_a.pk and r["fund_kind"] == "zakat")
    assert zakat["available"] == 1_300_000 and zakat["balance"] == 1_300_000
    assert {r["unit_id"] for r in rows} == {w.branch_a.pk}
    region = api(books.fatma).get("/balances", unit_id=w.region.pk).json()
    assert {r["unit_code"] for r in region} >= {"R1", "BRA", "BRB"}
    alone = api(books.fatma).get("/balances", unit_id=w.region.pk, consolidated="false").json()
    assert {r["unit_code"] for r in alone} == {"R1"}
    assert _error(api(books.fiona).get("/balances", unit_id=w.branch_b.pk), 404)


def test_trial_balance_defaults_to_the_users_unit_and_compares(books, api):
    fiona = api(books.fiona)
    report = fiona.get("/reports/trial-balance", start="2025-01", end="2025-03", compare="true").json()
    assert report["unit"]["code"] == "BRA" and report["consolidated"] is False
    current = report["current"]
    assert current["period"]["start_month"] == 1 and current["period"]["last_day"] == "2025-03-31"
    assert current["total_debit"] == current["total_credit"] > 0
    assert current["closing_debits"] == current["closing_credits"]
    assert {r["account"]["code"]: r["opening"] for r in current["rows"]}["4110"] == -1_000_000
    assert report["comparison"]["period"]["start_year"] == 2024
    by_fund = fiona.get("/reports/trial-balance", end="2025-03", by_fund="true").json()["current"]["rows"]
    assert {r["fund_kind"] for r in by_fund} >= {"zakat", "infak"}
    assert fiona.get("/reports/trial-balance", end="2025-03").json()["comparison"] is None


def test_statements_over_the_api(books, api):
    w = books.world
    fatma = api(books.fatma)
    q = {"unit_id": w.branch_a.pk, "start": "2025-03", "end": "2025-03"}
    position = fatma.get("/reports/financial-position", **q).json()["current"]
    assert position["as_of"] == "2025-03-31"
    assert position["total_assets"] == position["total_liabilities"] + position["total_funds"]
    assert position["fund_balances"]["zakat"] == 1_300_000
    consolidated = fatma.get("/reports/financial-position", **{**q, "unit_id": w.alpha.pk, "consolidated": "true"})
    assert consolidated.json()["current"]["fund_balances"]["zakat"] == 1_700_000

    changes = fatma.get("/reports/changes-in-funds", **q).json()["current"]
    assert [c["fund_kind"] for c in changes][:2] == ["zakat", "infak"]
    zakat = changes[0]
    assert zakat["opening"] == 1_000_000 and zakat["transfers_out"] == 100_000
    assert zakat["total_receipts"] == 400_000 and zakat["closing"] == 1_300_000

    flows = fatma.get("/reports/cash-flows", **q, compare="true").json()
    assert flows["current"]["total"]["fund_kind"] is None
    assert (
        flows["current"]["total"]["closing"] == flows["current"]["total"]["opening"] + flows["current"]["total"]["net"]
    )
    assert len(flows["current"]["funds"]) == 6 and flows["comparison"]["total"]["net"] == 1_000_000

    assets = fatma.get("/reports/managed-assets", **q).json()
    assert [(r["account"]["code"], r["additions"]) for r in assets["current"]] == [("1600", 10_000)]


def test_general_ledger_of_one_account(books, api):
    w = books.world
    cash = Account.objects.get(institution=w.alpha, code="1100.BRA")
    fiona = api(books.fiona)
    report = fiona.get(f"/reports/general-ledger/{cash.pk}", start="2025-03", end="2025-03").json()
    assert report["account"]["code"] == "1100.BRA" and report["opening"] == 1_000_000
    assert report["closing"] == 1_000_000 + 400_000 + 200_000 - 100_000 - 10_000
    assert report["lines"][-1]["balance"] == report["closing"]
    zakat_only = fiona.get(f"/reports/general-ledger/{cash.pk}", end="2025-03", fund_kind="zakat").json()
    assert {li["fund_kind"] for li in zakat_only["lines"]} == {"zakat"}
    capped = fiona.get(f"/reports/general-ledger/{cash.pk}", start="2025-03", end="2025-03", limit=1).json()
    assert len(capped["lines"]) == 1 and capped["closing"] == report["closing"]
    branch_b_cash = Account.objects.get(institution=w.alpha, code="1100.BRB")
    assert _error(fiona.get(f"/reports/general-ledger/{branch_b_cash.pk}"), 404)
    assert _error(api(w.bob).get(f"/reports/general-ledger/{cash.pk}", unit_id=w.branch_a.pk), 404)


REPORTS = ["trial-balance", "financial-position", "changes-in-funds", "cash-flows", "managed-assets"]


@pytest.mark.parametrize("report", REPORTS)
def test_bad_months_are_refused_in_the_error_shape(ledger, api, report):
    fiona = api(ledger.fiona)
    for query in ({"start": "2025-13"}, {"end": "march"}, {"start": "2025-3"}, {"end": "0000-01"}):
        error = _error(fiona.get(f"/reports/{report}", **query), 422)
        assert error["code"] == "invalid_input" and set(error["fields"]) <= {"start", "end"}
    assert "start" in _error(fiona.get(f"/reports/{report}", start="2025-04", end="2025-03"), 422)["fields"]
    assert _error(fiona.get(f"/reports/{report}", unit_id=ledger.world.branch_b.pk), 404)
    assert _error(fiona.get(f"/reports/{report}", unit_id="abc"), 422)
    assert fiona.get(f"/reports/{report}").status_code == 200


def test_auditor_reads_every_report(books, api):
    audrey = api(books.world.audrey)
    for report in REPORTS:
        assert audrey.get(f"/reports/{report}", end="2025-03").status_code == 200
    assert audrey.get("/balances").status_code == 200


# --- the access matrix over the ledger operations, with real entries and accounts -------------------


def _ledger_operations():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith(BASE):
            for method, operation in operations.items():
                params = operation.get("parameters", [])
                yield (
                    method,
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query"],
                )


OPERATIONS = list(_ledger_operations())
IDS = [f"{m.upper()} {p}" for m, p, _params, _query in OPERATIONS]


def _fill(path, ids):
    for param, kind in LEDGER_OBJECT_KINDS.items():
        path = path.replace("{" + param + "}", str(ids[kind]))
    return path


def _ledger_snapshot():
    return (
        list(JournalEntry.objects.order_by("pk").values_list("pk", "status", "memo", "total", "updated_by_id")),
        JournalLine.objects.count(),
        list(FundPosition.objects.order_by("pk").values_list("pk", "available")),
        list(LedgerBalance.objects.order_by("pk").values_list("pk", "debit", "credit")),
        list(Period.objects.order_by("pk").values_list("pk", "is_closed")),
        list(Account.objects.order_by("pk").values_list("pk", "code", "name", "is_active")),
    )


@pytest.fixture
def matrix(ledger):
    w = ledger.world
    ids = ledger_matrix_ids(w)
    units = [w.branch_b, w.branch_b_sub, w.beta, w.beta_branch, 987654321]
    foreign = [
        {**ledger_ids, "unit": getattr(unit, "pk", unit)}
        for ledger_ids, unit in zip(ids["foreign"], units, strict=True)
    ]
    return foreign, {**ids["own"], "unit": w.branch_a_sub.pk}


def test_every_ledger_write_has_a_matrix_body_and_every_path_parameter_a_kind():
    assert {p for _m, _path, params, _q in OPERATIONS for p in params} <= set(LEDGER_OBJECT_KINDS)
    writes = {(m, p) for m, p, _params, _q in OPERATIONS if m in WRITES}
    assert writes == set(LEDGER_API_BODIES)


@pytest.mark.parametrize(("method", "path", "params", "query"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("persona", ["fiona", "alice", "felix"])
def test_outsiders_reach_no_other_units_ledger(ledger, matrix, api, method, path, params, query, persona):
    foreign, _own = matrix
    client = api(getattr(ledger, persona, None) or getattr(ledger.world, persona))
    if persona == "felix":  # finance of branch B: branch A's objects are the foreign ones
        foreign = [{**_own, "unit": ledger.world.branch_a.pk}]
    before = _ledger_snapshot()
    for ids in foreign:
        url = _fill(path, ids)
        if method in WRITES:
            response = client.call(method, url, LEDGER_API_BODIES[(method, path)](ids))
        elif params:
            response = client.call(method, url)
        elif "unit_id" in query:
            response = client.call(method, f"{url}?unit_id={ids['unit']}")
        else:
            response = client.call(method, url)
        if params or method in WRITES or "unit_id" in query:
            assert response.status_code in (403, 404), f"{method.upper()} {url}: {response.status_code}"
            assert set(response.json()) == {"error"}
        else:
            assert response.status_code == 200, response.content
        if persona != "felix":
            assert SECRET.encode() not in response.content, f"{method.upper()} {url} shows another unit's data"
    assert _ledger_snapshot() == before


@pytest.mark.parametrize(("method", "path", "params", "query"), OPERATIONS, ids=IDS)
def test_auditor_reads_but_writes_nothing(ledger, matrix, api, method, path, params, query):
    _foreign, own = matrix
    audrey = api(ledger.world.audrey)
    before = _ledger_snapshot()
    url = _fill(path, own)
    if method in WRITES:
        response = audrey.call(method, url, LEDGER_API_BODIES[(method, path)](own))
        assert _error(response, 403)["code"] == "forbidden"
    else:
        assert audrey.call(method, url).status_code == 200
    assert _ledger_snapshot() == before


@pytest.mark.parametrize(("method", "path", "params", "query"), OPERATIONS, ids=IDS)
def test_no_token_is_unauthenticated(ledger, matrix, api, method, path, params, query):
    _foreign, own = matrix
    url = _fill(path, own)
    body = LEDGER_API_BODIES[(method, path)](own) if method in WRITES else None
    assert _error(api(None).call(method, url, body), 401)["code"] == "unauthenticated"
    bad = api(None)
    bad.headers["HTTP_AUTHORIZATION"] = "Bearer sat_not-a-real-token"
    assert _error(bad.call(method, url, body), 401)
