"""Possible duplicates of a whole beneficiaries list (``imports.candidates``): rows of the file that
may be one person are flagged by the online search's scoring, not only when exact; the registry's
candidates of every row are found set-wise, the same as ``matching.candidates`` finds them row by
row; and the check's queries do not grow with the rows.

Personas and the registry from ``beneficiaries.tests.conftest``: paula (program officer of branch A),
``registry.siti`` (Hj. Siti Aminah, born 1980-05-12, Kayen).
"""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satuatap.beneficiaries import matching
from satuatap.beneficiaries.imports import candidates, columns, jobs
from satuatap.beneficiaries.imports import rows as rows_module
from satuatap.beneficiaries.tests.conftest import person
from satuatap.beneficiaries.tests.test_imports import csv_bytes, run
from satuatap.core.tabular import read_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

HEADER = ["nama", "nik", "no_kk", "hubungan", "tanggal_lahir", "jenis_kelamin", "telepon", "desa", "persetujuan"]


def nik(born: date, sex: str, serial: int) -> str:
    """A NIK of Pati that agrees with the birth date and sex (a woman's day has 40 added)."""
    day = born.day + (40 if sex == "F" else 0)
    return f"331801{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def kk(serial: int) -> str:
    return f"331801120315{serial:04d}"


def test_rows_of_one_person_written_differently_are_flagged_within_the_file(world, registry):
    rows = [
        ["Budi Santoso", "", "", "", "1975-11-02", "L", "", "Kayen", "tertulis"],  # row 2
        ["Siti Rahmawati", "", "", "", "1982-03-07", "P", "", "Sukamaju", "tertulis"],  # row 3
        ["H. Ahmad Fauzi, S.Pd.", "", "", "", "1969-04-21", "L", "", "Kayen", "tertulis"],  # row 4
        ["Budi Santosa", "", "", "", "02/11/1975", "L", "", "Kayen", "tertulis"],  # row 5: a typo in the name
        ["Siti Rahmawati", "", "", "", "1982-07-03", "P", "", "Suka Maju", "tertulis"],  # row 6: day and month swapped
        ["Ahmad Fauzi", "", "", "", "1969-04-21", "L", "", "Kayen", "tertulis"],  # row 7: without the titles
        ["Budi Hartono", "", "", "", "1981-01-15", "L", "", "Kayen", "tertulis"],  # row 8: another person
        ["Rahmawati Siti", "", "", "", "", "P", "", "", "tertulis"],  # row 9: nothing but a name in common
    ]
    job = run(registry.paula, world.branch_a, csv_bytes(HEADER, rows))
    flags = {d["row"]: d["file"] for d in job.duplicates}
    assert sorted(flags) == [5, 6, 7], job.duplicates
    assert [f["row"] for f in flags[5]] == [2] and "same birth date" in flags[5][0]["reason"]
    assert [f["row"] for f in flags[6]] == [3] and "birth date with day and month swapped" in flags[6][0]["reason"]
    assert flags[7][0]["row"] == 4 and flags[7][0]["reason"].startswith("name 100%")
    assert all(f["score"] >= candidates.FLAG_SCORE for found in flags.values() for f in found)
    assert job.duplicate_rows == 3 and job.valid_rows == 8


PEOPLE = [
    # name, sex, birth date, with NIK, KK serial (0: none), phone serial (0: none), village
    ("Budi Santoso", "M", date(1975, 11, 2), True, 1, 1, "Kayen"),
    ("Sri Wahyuni", "F", date(1978, 3, 9), True, 1, 1, "Kayen"),
    ("Siti Aminah", "F", date(1980, 5, 6), False, 2, 0, "Sukamaju"),
    ("Siti Aminah", "F", date(1991, 8, 17), True, 3, 3, "Tegalrejo"),
    ("Muhammad Yusuf", "M", date(1966, 1, 12), True, 4, 4, "Kayen"),
    ("Suparman", "M", date(1955, 12, 1), False, 0, 0, "Sidomulyo"),
    ("Suparman Hadi", "M", date(1955, 12, 1), True, 5, 5, "Sidomulyo"),
    ("Nur Hidayah", "F", date(1988, 2, 3), True, 6, 0, "Kayen"),
    ("Ahmad Fauzi", "M", date(1970, 7, 7), False, 0, 7, "Margorejo"),
    ("Dewi Lestari", "F", date(1993, 10, 11), True, 8, 8, "Sukamaju"),
]


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :] if name[i] != " " else name


def _probes(people: list[dict], count: int, seed: int = 15) -> list[tuple[int, matching.Probe]]:
    """People as another list writes them: a typo, another phone, no NIK, day and month swapped, a
    year off, or someone else with the same family card or birth date."""
    rng = random.Random(seed)
    out = []
    for number in range(2, count + 2):
        p = dict(rng.choice(people))
        roll = rng.random()
        if roll < 0.2:
            p["full_name"] = _typo(rng, p["full_name"])
        elif roll < 0.35 and p["birth_date"].day <= 12:
            p["birth_date"] = p["birth_date"].replace(day=p["birth_date"].month, month=p["birth_date"].day)
        elif roll < 0.45:
            p["birth_date"] += timedelta(days=365)
        elif roll < 0.55:
            p["full_name"], p["nik"], p["sex"] = "Rina Marlina", "", "F"
        if rng.random() < 0.4:
            p["nik"] = ""
        if rng.random() < 0.3:
            p["phone"] = f"+62812999{number:05d}"
        out.append((number, matching.Probe.of_fields(p)))
    return out


@pytest.fixture
def people(world, registry):
    registered = []
    for n, (name, sex, born, with_nik, kk_serial, phone, village) in enumerate(PEOPLE, start=1):
        fields = {
            "full_name": name,
            "sex": sex,
            "birth_date": born,
            "nik": nik(born, sex, n) if with_nik else "",
            "kk": kk(kk_serial) if kk_serial else "",
            "phone": f"0812345670{phone:02d}" if phone else "",
            "village": village,
        }
        actor, unit = (registry.paula, world.branch_a) if n % 2 else (registry.bella, world.branch_b)
        b = person(actor, unit, **fields)
        registered.append({**fields, "phone": b.phone})
    return registered


@pytest.mark.parametrize("scan", [True, False], ids=["one scan", "IN lists"])
def test_registry_candidates_set_wise_are_those_the_online_search_finds(world, people, monkeypatch, scan):
    monkeypatch.setattr(candidates, "SCAN_RATIO", 10_000 if scan else 0)
    probes = _probes(people, 120)
    found = candidates.registry_candidates(world.alpha.pk, probes)
    flagged = 0
    for number, probe in probes:
        expected = [
            (c.beneficiary.pk, round(c.score, 2), c.reasons)
            for c in matching.candidates(world.alpha.pk, probe)
            if c.score >= candidates.FLAG_SCORE
        ]
        assert [(f["id"], f["score"], f["reasons"]) for f in found.get(number, [])] == expected, (number, probe)
        flagged += bool(expected)
    assert 30 <= flagged < len(probes)  # the fixture exercises both answers


def _sheet(count: int):
    rows = [["Siti Aminah", "", "", "", "1980-05-12", "P", "", "Kayen", "tertulis"]]  # the registry's Siti
    for n in range(1, count):
        born = date(1950, 1, 1) + timedelta(days=37 * n)
        rows.append(
            [f"Penerima {n:04d}", nik(born, "M", n), kk(1000 + n), "kepala keluarga", born.isoformat(), "L",
             f"0813{n:08d}", "Kayen", "tertulis"]
        )  # fmt: skip
    rows.append(rows[1][:1] + ["", "", "", rows[1][4], "L", "", "Kayen", "tertulis"])  # row 3's person again
    return read_sheet(csv_bytes(HEADER, rows), "mustahik.csv", columns.COLUMNS, max_rows=jobs.MAX_ROWS)


def test_the_checks_queries_do_not_grow_with_the_rows(world, registry):
    counts = []
    for size in (50, 500):
        sheet = _sheet(size)
        with CaptureQueriesContext(connection) as queries:
            checked = rows_module.check(unit=world.branch_a, sheet=sheet)
        assert len(checked.valid) == size + 1 and not checked.errors, checked.errors[:3]
        assert {d["row"] for d in checked.duplicates} == {2, size + 2}, checked.duplicates
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
