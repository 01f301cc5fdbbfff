"""The figures of a backup's manifest, which a restore must reproduce exactly.

Core counts what it knows itself: rows per model, number sequences and the kept files. The apps
add their own sections (the ledger its fund positions and journal totals, collection its receipt
numbers) by registering a figure source when they are ready::

    from satuatap.core.backup import figure_source_register

    figure_source_register("journal", journal_figures)

A source reads the database behind the connection alias it is given (the backup's snapshot or the
restored database) and returns a JSON-ready mapping whose keys the restore compares one by one.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connections

from satuatap.core.backup.common import CHECKED, table_names


class FigureReader(Protocol):
    """Reads one section of the figures from the database behind ``alias``."""

    def __call__(self, alias: str) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class FigureSource:
    section: str
    read: FigureReader


# The sections the apps add, in the order they registered.
FIGURE_SOURCES: list[FigureSource] = []


def figure_source_register(section: str, read: FigureReader) -> None:
    """Add (or replace) the figure section ``section``, read by ``read``."""
    if section in {"counts", "sequences", "documents"}:
        raise ValueError(f"The figure section {section!r} is core's own.")
    FIGURE_SOURCES[:] = [source for source in FIGURE_SOURCES if source.section != section]
    FIGURE_SOURCES.append(FigureSource(section=section, read=read))


def checked_sections() -> tuple[str, ...]:
    """The sections a restore must reproduce: the known ones in their order, then any other
    registered section."""
    known = set(CHECKED)
    return CHECKED + tuple(source.section for source in FIGURE_SOURCES if source.section not in known)


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _kept_file_models():
    from satuatap.core.uploads import KeptFileBase

    return [m for m in _models() if issubclass(m, KeptFileBase)]


def figures(alias: str, files_dir: Path | None) -> dict:
    """What a restore must reproduce: rows per model, the registered sections (fund positions,
    receipt numbers, journal totals), number sequences, and the kept-file rows with how many lack
    their file."""
    from satuatap.core.models import Sequence

    # Only the tables there are: a backup made before a model existed has no table for it.
    present = set(table_names(alias))
    counts = {m._meta.label: m._base_manager.using(alias).count() for m in _models() if m._meta.db_table in present}
    sequences = Sequence.objects.using(alias).order_by("scope", "key").values_list("scope", "key", "value")
    documents = {"rows": 0, "missing_files": 0}
    for model in _kept_file_models():
        for path in model._base_manager.using(alias).values_list("path", flat=True).iterator():
            documents["rows"] += 1
            if files_dir is None or not (files_dir / path).is_file():
                documents["missing_files"] += 1
    numbers: dict[str, Any] = {"counts": counts}
    numbers.update({source.section: dict(source.read(alias)) for source in FIGURE_SOURCES})
    numbers["sequences"] = {f"{scope}/{key}": value for scope, key, value in sequences}
    numbers["documents"] = documents
    return numbers


def differences(expected: dict, actual: dict) -> list[str]:
    """The figures that differ, one line each (at most a few per section)."""
    lines = []
    for section in checked_sections():
        want, got = expected.get(section, {}), actual.get(section, {})
        wrong = [key for key in sorted(set(want) | set(got)) if want.get(key) != got.get(key)]
        for key in wrong[:5]:
            lines.append(f"{section} {key}: backup {want.get(key)!r}, restored {got.get(key)!r}")
        if len(wrong) > 5:
            lines.append(f"{section}: {len(wrong) - 5} more differences")
    return lines


def applied_migrations(alias: str) -> list[list[str]]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
