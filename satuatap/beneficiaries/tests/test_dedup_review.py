"""A batch run's results taken out and reviewed: exports (XLSX, CSV), filters, the API, bulk review;
one audited service for every run; lists with fewer fields; reasons in the reader's language."""

import csv
import io
import json
import logging
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from openpyxl import load_workbook

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries.linkage import deduplicate
from satuatap.beneficiaries.linkage.batch import splink_quiet
from satuatap.beneficiaries.models import DedupPair, DedupRun, NotDuplicate
from satuatap.beneficiaries.services.dedup import DedupRefused, dedup_execute, dedup_start
from satuatap.beneficiaries.tests.conftest import NIK_SITI, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def as_user(user, language="en"):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def pair_of(run, cluster, one, two, probability, reasons):
    return DedupPair.objects.create(
        run=run, cluster=cluster, left_id=min(one.pk, two.pk), right_id=max(one.pk, two.pk),
        probability=probability, reasons=reasons,
    )  # fmt: skip


@pytest.fixture
def found(world, registry):
    """A finished run of ALPHA: Siti twice at branch A (99%), Siti's twin and branch B's SECRET
    (61%), two Budis at branch A's sub-branch (93%), and two records both at branch B (95%)."""
    born = date(1980, 5, 12)
    twin = person(registry.paula, world.branch_a, "Sitti Aminah", birth_date=born, sex="F")
    budi = person(registry.paula, world.branch_a_sub, "Budi Santoso", birth_date=date(1970, 1, 2), sex="M")
    budi2 = person(registry.paula, world.branch_a_sub, "Budi Santosa", birth_date=date(1970, 1, 2), sex="M")
    other = person(registry.bella, world.branch_b, "SECRET Other Mustahik", birth_date=date(1975, 11, 2), sex="M")
    run = DedupRun.objects.create(institution=world.alpha, status=DedupRun.RunStatus.DONE, records=6)
    pairs = {
        "siti": pair_of(run, 1, registry.siti, twin, 0.987, ["name 0.95", "same birth date"]),
        "secret": pair_of(run, 1, twin, registry.secret, 0.61, ["same birth date"]),
        "budi": pair_of(run, 2, budi, budi2, 0.93, ["name one letter apart", "same birth date"]),
        "hidden": pair_of(run, 3, registry.secret, other, 0.95, ["same name"]),
    }
    return run, pairs, {"twin": twin, "budi": budi, "budi2": budi2}


def url(run, query=""):
    return f"/beneficiaries/duplicates/{run.pk}/{query}"


# --- export ---------------------------------------------------------------------------------------


def test_the_xlsx_export_holds_every_pair_i_may_see_with_scores_reasons_and_masked_identifiers(world, registry, found):
    run, _pairs, _people = found
    response = as_user(registry.paula).get(url(run, "?format=xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Group")
    header, body = rows[header_at], [row for row in rows[header_at + 1 :] if row and row[0] is not None]
    assert len(body) == 3  # the pair of two branch-B records is not mine to see
    assert {row[1] for row in body} == {98.7, 61.0, 93.0}
    siti = next(row for row in body if row[1] == 98.7)
    assert siti[header.index("Record 1")] == registry.siti.number
    assert siti[header.index("NIK 1")] == registry.siti.nik_masked and NIK_SITI not in str(rows)
    assert siti[header.index("Why")] == "name 95%; same birth date"
    assert siti[header.index("Reviewed")] == "no"
    secret = next(row for row in body if row[1] == 61.0)
    # The branch-B record is given by its unit only, as on the page.
    side = header.index("Record 2") if secret[header.index("Record 1")] else header.index("Record 1")
    assert secret[side] in ("", None) and secret[side + 5] == world.branch_b.name
    # Branch B's name may show (as on the page), never its people.
    assert "Mustahik" not in str(rows) and registry.secret.number not in str(rows)


def test_the_csv_export_follows_the_filters(world, registry, found):
    run, _pairs, _people = found
    response = as_user(registry.paula).get(url(run, "?format=csv&low=90"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Group", "Probability (%)", "Record 1"]
    assert sorted(row[0] for row in rows[1:]) == ["1", "2"]
    assert all("Mustahik" not in cell and NIK_SITI not in cell for row in rows for cell in row)


# --- filters and bulk review ----------------------------------------------------------------------


def test_pairs_filter_by_unit_score_and_review(world, registry, found):
    run, pairs, _people = found
    client = as_user(registry.paula)

    def shown(query):
        response = client.get(url(run, query))
        assert response.status_code == 200, response.content
        return sorted(pair["pk"] for pair in response.context["pairs"])

    assert shown("") == sorted(p.pk for k, p in pairs.items() if k != "hidden")
    assert shown(f"?unit={world.branch_a_sub.pk}") == [pairs["budi"].pk]
    assert shown("?low=90&high=95") == [pairs["budi"].pk]
    NotDuplicate.objects.create(first_id=pairs["secret"].left_id, second_id=pairs["secret"].right_id)
    assert shown("?reviewed=yes") == [pairs["secret"].pk]
    assert pairs["secret"].pk not in shown("?reviewed=no")
    # A bad range is explained beside its field; the page still answers.
    response = client.get(url(run, "?low=95&high=90"))
    assert (
        response.status_code == 200 and "The upper bound must not be below the lower one." in response.content.decode()
    )
    # Another unit's subtree is not mine to filter on.
    assert client.get(url(run, f"?unit={world.branch_b.pk}")).context["form"].errors


def test_bulk_review_merges_the_same_and_marks_the_different(world, registry, found):
    run, pairs, people = found
    client = as_user(registry.paula)
    response = client.post(
        url(run, "review/"), {"pairs": [pairs["budi"].pk], "decision": "merged", "next": "reviewed=no"}
    )
    assert response.status_code == 302 and response.url == url(run, "?reviewed=no"), response
    people["budi2"].refresh_from_db()
    assert people["budi2"].merged_into_id == people["budi"].pk
    client.post(url(run, "review/"), {"pairs": [pairs["siti"].pk], "decision": "different"})
    assert NotDuplicate.objects.filter(first_id=pairs["siti"].left_id, second_id=pairs["siti"].right_id).exists()
    decisions = dict(DedupPair.objects.filter(run=run).values_list("pk", "decision"))
    assert decisions[pairs["budi"].pk] == "merged" and decisions[pairs["siti"].pk] == "different"
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_MERGED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_NOT_DUPLICATE).exists()
    left = [pair["pk"] for pair in client.get(url(run, "?reviewed=no")).context["pairs"]]
    assert left == [pairs["secret"].pk]


def test_bulk_review_refuses_pairs_not_on_my_list_and_does_nothing(world, registry, found):
    run, pairs, _people = found
    client = as_user(registry.paula)
    response = client.post(
        url(run, "review/"), {"pairs": [pairs["siti"].pk, pairs["hidden"].pk], "decision": "different"}, follow=True
    )
    assert "no longer on your list" in response.content.decode()
    assert not NotDuplicate.objects.exists()
    assert (
        as_user(world.eve).post(url(run, "review/"), {"pairs": [pairs["siti"].pk], "decision": "merged"}).status_code
        == 404
    )


# --- reasons in the reader's language ----------------------------------------------------------------


def test_batch_reasons_are_translated_on_the_indonesian_page(world, registry, found):
    run, _pairs, _people = found
    page = as_user(registry.paula, language="id").get(url(run)).content.decode()
    assert "nama 95%" in page and "tanggal lahir sama" in page
    assert "same birth date" not in page and "name 95%" not in page


# --- the API ---------------------------------------------------------------------------------------


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {
            "HTTP_ACCEPT_LANGUAGE": "en",
            "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, name="test")[1],
        }

    def get(self, path, **query):
        return self.client.get("/api/v1/beneficiaries" + path, query, **self.headers)

    def post(self, path, data):
        return self.client.post(
            "/api/v1/beneficiaries" + path, json.dumps(data), content_type="application/json", **self.headers
        )


def test_api_lists_a_runs_pairs_in_my_scope_paginated_and_filtered(world, registry, found):
    run, pairs, _people = found
    api = Api(registry.paula)
    runs = api.get("/dedup-runs").json()
    assert [r["id"] for r in runs["items"]] == [run.pk]
    answer = api.get(f"/dedup-runs/{run.pk}/pairs", limit=2).json()
    assert answer["count"] == 3 and len(answer["items"]) == 2
    first = answer["items"][0]
    assert first["probability"] == 0.987 and first["reasons"] == ["name 95%", "same birth date"]
    assert first["left"]["nik_masked"] == registry.siti.nik_masked
    everything = json.dumps(api.get(f"/dedup-runs/{run.pk}/pairs").json())
    assert "Mustahik" not in everything and NIK_SITI not in everything
    assert f'"unit": "{world.branch_b.name}"' in everything
    narrowed = api.get(f"/dedup-runs/{run.pk}/pairs", min_probability=0.9, within_unit_id=world.branch_a_sub.pk)
    assert [p["id"] for p in narrowed.json()["items"]] == [pairs["budi"].pk]
    assert Api(world.eve).get(f"/dedup-runs/{run.pk}/pairs").status_code == 404


def test_api_reviews_pairs_in_bulk_and_refuses_others(world, registry, found):
    run, pairs, _people = found
    api = Api(registry.paula)
    response = api.post(f"/dedup-runs/{run.pk}/review", {"pair_ids": [pairs["siti"].pk], "decision": "different"})
    assert response.status_code == 200 and response.json() == {"reviewed": 1, "refused": []}
    refused = api.post(f"/dedup-runs/{run.pk}/review", {"pair_ids": [pairs["hidden"].pk], "decision": "different"})
    assert refused.status_code == 404
    assert NotDuplicate.objects.count() == 1


# --- one service for every run --------------------------------------------------------------------


def test_a_second_run_is_refused_while_one_is_pending(world, registry):
    DedupRun.objects.create(institution=world.alpha, status=DedupRun.RunStatus.RUNNING)
    with pytest.raises(DedupRefused):
        dedup_start(actor=registry.paula, unit=world.branch_a)
    response = as_user(registry.paula).post("/beneficiaries/duplicates/start/", follow=True)
    assert "already queued or running" in response.content.decode()
    with pytest.raises(CommandError, match="already queued or running"):
        call_command("registry_dedup", "--institution", "ALPHA")
    # Even a request that skipped the check cannot add a second pending run.
    with pytest.raises(IntegrityError), transaction.atomic():
        DedupRun.objects.create(institution=world.alpha)
    assert DedupRun.objects.filter(institution=world.alpha).count() == 1
    assert Api(registry.paula).post("/dedup-runs", {}).status_code in (400, 409, 422)


def test_the_command_is_audited_stores_pairs_and_prints_no_splink_warnings(world, registry, capfd):
    person(registry.paula, world.branch_a, "SITTI AMINAH", birth_date=date(1980, 5, 12), village="Kayen", sex="F")
    call_command("registry_dedup", "--institution", "ALPHA")
    out, err = capfd.readouterr()
    assert "records" in out and "WARNING" not in out + err and "splink" not in (out + err).lower()
    run = DedupRun.objects.get()
    event = AuditEvent.objects.get(action=AuditAction.DEDUP_RUN)
    assert event.target_id == str(run.pk) and event.actor is None
    assert run.pairs.filter(left=registry.siti).exists()


def test_splink_messages_are_kept_not_printed(capfd):
    with splink_quiet() as notes:
        logging.getLogger("splink.internals.em_training_session").warning("Level X not observed in dataset")
    assert notes == ["Level X not observed in dataset"]
    out, err = capfd.readouterr()
    assert "not observed" not in out + err


# --- lists with fewer fields -----------------------------------------------------------------------


def test_a_list_of_names_birth_dates_and_streets_still_finds_its_duplicates():
    """No NIK, KK, phone nor place: the same woman with her name parts and her birth day and month
    swapped, on the same street written another way."""
    records = [
        {"id": 1, "full_name": "Siti Aminah", "birth_date": "1980-05-12", "street": "Jl. Melati No. 5"},
        {"id": 2, "full_name": "Aminah Siti", "birth_date": "1980-12-05", "street": "Jalan Melati 5"},
        {"id": 3, "full_name": "Dewi Lestari", "birth_date": "1981-03-04", "street": "Jl. Mawar No. 1"},
        {"id": 4, "full_name": "Agus Salim", "birth_date": "1962-07-09", "street": "Jl. Kenanga No. 7"},
        {"id": 5, "full_name": "Siti Rahayu", "birth_date": "1990-01-30", "street": "Jl. Anggrek No. 2"},
    ]
    result = deduplicate(records)
    assert [(p.id_l, p.id_r) for p in result.pairs] == [(1, 2)]
    assert "same street" in result.pairs[0].reasons
    assert {"district", "regency", "kk_key", "phone"} <= {k for k, v in result.filled.items() if v == 0}


def test_a_run_says_which_fields_were_too_empty_to_help(world, registry):
    for i, name in enumerate(["Budi Santoso", "Agus Salim", "Dewi Lestari", "Joko Widodo", "Rina Marlina"]):
        person(registry.paula, world.branch_a, name, birth_date=date(1960 + i, 1 + i, 3 + i), street=f"Jl. Mawar {i}")
    run = DedupRun.objects.create(institution=world.alpha, started_by=registry.paula)
    run = dedup_execute(run.pk)
    assert run.status == DedupRun.RunStatus.DONE, run.error
    assert run.filled["district"] == round(1 / 7, 3) and run.filled["street"] == round(5 / 7, 3)
    assert "district" in run.too_empty and "street" not in run.too_empty and "full_name" not in run.too_empty
    page = as_user(registry.paula).get(url(run)).content.decode()
    assert "Too rarely filled in this registry to help find duplicates" in page and "District" in page


def test_the_run_page_and_the_api_cost_the_same_queries_for_more_pairs(world, registry, found):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run, _pairs, _people = found
    client, api = as_user(registry.paula), Api(registry.paula)

    def cost():
        with CaptureQueriesContext(connection) as page:
            assert client.get(url(run)).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert api.get(f"/dedup-runs/{run.pk}/pairs").status_code == 200
        return len(page), len(listed)

    cost()  # the token's first use is recorded once
    before = cost()
    for i in range(6):
        one = person(registry.paula, world.branch_a, f"Rina Marlina {i}", birth_date=date(1990, 1, 1 + i))
        two = person(registry.paula, world.branch_a, f"Rina Marlin {i}", birth_date=date(1990, 1, 1 + i))
        pair_of(run, 4 + i, one, two, 0.9, ["same birth date"])
    assert cost() == before
