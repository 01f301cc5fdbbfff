"""The vendored dataset (``data/*.csv.gz``, idn-area-data, ODbL) and its loading into the database.

Loading is a migration step run by every fresh database (each CI test database too), so it takes
the fast path of each engine: COPY on PostgreSQL, one ``executemany`` on SQLite — about 91,600 rows
in a second or two, where ``bulk_create`` of model instances would take several.
"""

import csv
import functools
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

from django.db import connections

from satuatap.regions.keys import name_key

DATA = Path(__file__).resolve().parent / "data"
# (file, level) from the top down, so a parent is always in before its children.
FILES = (("provinces", 1), ("regencies", 2), ("districts", 3), ("villages", 4))
TABLE = "regions_area"
COLUMNS = ("code", "parent_id", "level", "name", "name_key")


def rows() -> Iterator[tuple[str, str | None, int, str, str]]:
    """(code, parent code, level, name, name key) of every area, provinces first."""
    for stem, level in FILES:
        with gzip.open(DATA / f"{stem}.csv.gz", "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)  # header
            for record in reader:
                if level == 1:
                    code, name = record
                    parent = None
                else:
                    code, parent, name = record
                name = " ".join(name.split())
                yield code, parent, level, name, name_key(name)


@functools.cache
def district_digits() -> frozenset[str]:
    """The six digits of every district (a NIK's first six), read from the file: no database needed."""
    return frozenset(code.replace(".", "") for code, *_rest in _level_rows(3))


@functools.cache
def regency_digits() -> frozenset[str]:
    return frozenset(code.replace(".", "") for code, *_rest in _level_rows(2))


def _level_rows(wanted: int):
    stem = FILES[wanted - 1][0]
    with gzip.open(DATA / f"{stem}.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for code, parent, name in reader:
            yield code, parent, wanted, name, ""


def load(using: str = "default") -> int:
    """Insert every area of the dataset into an empty table; returns the number of rows."""
    connection = connections[using]
    data = list(rows())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for code, parent, level, name, key in data:
                writer.writerow((code, "\\N" if parent is None else parent, level, name, key))
            buffer.seek(0)
            sql = f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        else:
            placeholders = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({placeholders})", data)  # noqa: S608
    return len(data)


def refresh(using: str = "default") -> dict[str, int]:
    """Bring the table in line with the files: add new areas, rename changed ones. Areas no longer in
    the files are kept (addresses may point at them) and counted."""
    from satuatap.regions.models import Area

    existing = {
        code: (parent, name)
        for code, parent, name in Area.objects.using(using).values_list("code", "parent_id", "name")
    }
    if not existing:
        return {"added": load(using), "renamed": 0, "kept": 0}
    added, changed, seen = [], [], set()
    for code, parent, level, name, key in rows():
        seen.add(code)
        now = existing.get(code)
        if now is None:
            added.append(Area(code=code, parent_id=parent, level=level, name=name, name_key=key))
        elif now != (parent, name):
            changed.append(Area(code=code, parent_id=parent, level=level, name=name, name_key=key))
    Area.objects.using(using).bulk_create(added, batch_size=2000)
    Area.objects.using(using).bulk_update(changed, ["name", "parent", "name_key"], batch_size=2000)
    return {"added": len(added), "renamed": len(changed), "kept": len(set(existing) - seen)}
