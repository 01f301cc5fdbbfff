"""What restricted infak/sedekah is restricted to: a purpose named by reference, never by free text.

Lines, ``LedgerBalance`` and ``FundPosition`` carry the purpose as a key: ``program:<id>`` for a
distribution program (made only by ``program_key``), or another app's ``<kind>:<id>`` (a campaign
that raises for no program yet). The ledger knows no programs or campaigns: the apps that own them
register a ``PurposeDirectory`` in ``PURPOSE_DIRECTORIES`` (in their ``AppConfig.ready``), and the
counter, the import, the API and the reports list, resolve and name purposes through the functions
below, so one program's restricted money is one key, hence one figure everywhere.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

PROGRAM_PREFIX = "program:"


def program_key(program_id: int) -> str:
    """The restriction key of a program: the one place that spells it."""
    return f"{PROGRAM_PREFIX}{int(program_id)}"


def program_id_of(key: str) -> int | None:
    """The program a restriction key names, or None when it names no program."""
    rest = (key or "").removeprefix(PROGRAM_PREFIX)
    if rest == key or not rest.isdigit() or not rest.isascii() or len(rest) > 18:
        return None  # 18 digits at most: a larger number is no primary key
    return int(rest)


@dataclass(frozen=True)
class Purpose:
    """A purpose restricted infak may be given for: its ledger key, its code and its name."""

    key: str
    code: str
    name: str


class PurposeDirectory(Protocol):
    def for_unit(self, unit) -> list[Purpose]:
        """The purposes a donor may give restricted infak for at ``unit``."""

    def resolve(self, institution_id: int, value) -> Purpose | None:
        """The institution's purpose ``value`` names (an id, a code in any case, or a key)."""

    def names(self, keys: set[str]) -> dict[str, str]:
        """Names of those of ``keys`` this directory knows."""

    def held_in(self, institution_id: int) -> list[Purpose]:
        """Every purpose of the institution restricted money may be held for in the ledger (a program,
        active or not, or a campaign that raises for no program): what a ledger line may name."""


PURPOSE_DIRECTORIES: list[PurposeDirectory] = []


def purposes_for(unit) -> list[Purpose]:
    return [purpose for directory in PURPOSE_DIRECTORIES for purpose in directory.for_unit(unit)]


def purpose_for_unit(unit, value) -> Purpose | None:
    """The purpose ``value`` names (an id, a code in any case, or a key) if ``unit`` may receive
    restricted infak for it, else None: the one rule of the counter, the import and the API."""
    purpose = purpose_resolve(unit.institution_id, value)
    if purpose is None or purpose.key not in {p.key for p in purposes_for(unit)}:
        return None
    return purpose


def purposes_held(institution_id: int) -> list[Purpose]:
    """What a restricted line of the ledger may name in the institution (the ledger's choice lists)."""
    return [purpose for directory in PURPOSE_DIRECTORIES for purpose in directory.held_in(institution_id)]


def purpose_resolve(institution_id: int, value) -> Purpose | None:
    for directory in PURPOSE_DIRECTORIES:
        purpose = directory.resolve(institution_id, value)
        if purpose is not None:
            return purpose
    return None


def purpose_names(keys: Iterable[str]) -> dict[str, str]:
    """Each key's name; a key no directory knows (a tag left from before) is shown as it is."""
    wanted = {key for key in keys if key}
    names = {key: key for key in wanted}
    for directory in PURPOSE_DIRECTORIES:
        names.update(directory.names(wanted))
    return names
