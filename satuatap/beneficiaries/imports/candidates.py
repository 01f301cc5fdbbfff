"""Possible duplicates of a whole list at once: rows of the file that may be the same person, and
registry records each row may already be.

The rules are the online candidate search's (``beneficiaries.matching``): the same look-ups decide
which pairs are compared, and ``matching.score`` scores them with its readable reasons. Only the way
the pairs are found differs, because a regency's list of 100,000 people cannot afford a query, or a
scan, per row:

* **within the file**, every row is put in blocks by what would make ``score`` reach the import's
  flag (``FLAG_SCORE``): the same NIK, KK, phone or birth date, the birth date with day and month
  swapped, the same name, and the same birth day and month with a name word in common (a typo'd
  name of a person whose birth year is off). Each row is scored against the earlier rows of its
  blocks, in memory. A pair that shares none of these keys cannot reach the flag score: without
  an identifier or the birth date agreeing, the name alone gives at most 0.35 and the village 0.07.
* **against the registry**, the institution's records that share a key with any row are read in a
  few set queries (one scan of the needed columns, or IN lists in chunks when the registry is much
  larger than the file), indexed in memory by the look-ups ``matching.candidates`` makes (NIK, KK,
  phone, birth date and its swap, name), and each row's candidates are scored as that search
  scores them: the same ids, scores and reasons. Its trigram step (typo'd names, PostgreSQL only,
  run when nothing strong was found) is left out: a record found by it alone agrees on no
  identifier nor birth date, so it stays under the flag score.

Like ``matching.candidates``, each look-up gives at most ``matching.PER_LOOKUP`` records, so that a
placeholder phone or birth date repeated a thousand times does not make the check quadratic.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from satuatap.beneficiaries import matching
from satuatap.beneficiaries.models import Beneficiary
from satuatap.organizations.models import Unit

# A record or row this likely to be the row's person flags the row (matching's own floor is lower:
# it proposes more at the desk, where a person looks at each).
FLAG_SCORE = 0.5
# Parameters per IN list: SQLite allows 999 per statement.
CHUNK = 900
# The registry is scanned whole (one query) unless it is this many times larger than the file's keys.
SCAN_RATIO = 4
# Rows between two reports of progress.
PROGRESS_EVERY = 500

Progress = Callable[[int], None]


def _no_progress(done: int) -> None:
    return None


@dataclass(slots=True)
class Record:
    """What ``matching.score`` reads of the other side of a pair: a registry record, or a row of the file."""

    pk: int
    name_key: str
    nik_hash: str
    nik_first4: str
    nik_last4: str
    birth_date: date | None
    sex: str
    phone: str
    village: str
    kk_hash: str = ""
    unit_id: int | None = None


def probe_of(fields: dict) -> matching.Probe:
    return matching.Probe.of_fields(fields)


def _row_record(number: int, probe: matching.Probe) -> Record:
    nik = probe.nik
    return Record(
        pk=number,
        name_key=probe.key,
        nik_hash=probe.nik_hash,
        nik_first4=nik[:4],
        nik_last4=nik[-4:],
        birth_date=probe.birth_date,
        sex=probe.sex,
        phone=probe.phone,
        village=probe.village,
        kk_hash=probe.kk_hash,
    )


def _lookups(probe: matching.Probe, *, swapped: bool = True) -> list[tuple]:
    """The keys ``matching.candidates`` looks a probe up by (``swapped``: with its swapped birth date)."""
    keys: list[tuple] = []
    if probe.nik_hash:
        keys.append(("nik", probe.nik_hash))
    if probe.kk_hash:
        keys.append(("kk", probe.kk_hash))
    if probe.phone:
        keys.append(("phone", probe.phone))
    if probe.birth_date:
        keys.append(("born", probe.birth_date))
        other = matching.swapped_date(probe.birth_date)
        if other and swapped:
            keys.append(("born", other))
    if probe.key:
        keys.append(("name", probe.key))
    return keys


def _day_keys(day: date | None, key: str) -> list[tuple]:
    """The same birth day and month with a distinctive name word in common (Siti or Muhammad would
    put hundreds of rows in one block)."""
    if day is None or not key:
        return []
    words = set(matching.compare_form(key).split()) - matching.COMMON_WORDS
    return [("day", day.month, day.day, word) for word in words if len(word) >= 4]


def _own_keys(probe: matching.Probe) -> list[tuple]:
    """The blocks a row of the file is put in. Not the name alone: without an identifier or the birth
    date agreeing, the same name reaches 0.35 + 0.07 for the village, under the flag score."""
    keys = [key for key in _lookups(probe, swapped=False) if key[0] != "name"]
    return keys + _day_keys(probe.birth_date, probe.key)


def _file_lookups(probe: matching.Probe) -> list[tuple]:
    """The blocks a row of the file looks its earlier rows up in: its own, and those of its swapped birth date."""
    swapped = matching.swapped_date(probe.birth_date)
    extra = [("born", swapped), *_day_keys(swapped, probe.key)] if swapped else []
    return _own_keys(probe) + extra


def _reason(candidate: matching.Candidate) -> str:
    return "; ".join(candidate.reasons)


def file_duplicates(
    rows: Iterable[tuple[int, matching.Probe]], *, progress: Progress = _no_progress
) -> dict[int, list[dict]]:
    """Row number -> the earlier rows of the file that may be the same person, best first:
    ``{"row", "reason", "score"}`` for each scoring at least ``FLAG_SCORE`` (at most ``matching.TOP``)."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    records: dict[int, Record] = {}
    found: dict[int, list[dict]] = {}
    for done, (number, probe) in enumerate(rows, start=1):
        others: set[int] = set()
        for key in _file_lookups(probe):
            block = blocks.get(key)
            if block:
                others.update(block)
        scored = []
        for other in others:
            record = records[other]
            candidate = matching.score(probe, record, record.kk_hash)
            if candidate.score >= FLAG_SCORE:
                scored.append(candidate)
        if scored:
            scored.sort(key=lambda c: (-c.score, c.beneficiary.pk))
            found[number] = [
                {"row": c.beneficiary.pk, "reason": _reason(c), "score": round(c.score, 2)}
                for c in scored[: matching.TOP]
            ]
        records[number] = _row_record(number, probe)
        for key in _own_keys(probe):
            block = blocks[key]
            if len(block) < matching.PER_LOOKUP:
                block.append(number)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    return found


# --- against the registry ------------------------------------------------------------------------

_COLUMNS = ("pk", *matching.SCORED_FIELDS, "registered_unit_id")
_FIELD = {"nik": "nik_hash", "kk": "household__kk_hash", "phone": "phone", "born": "birth_date", "name": "name_key"}


def _records(rows) -> Iterable[Record]:
    for pk, key, nik_hash, first4, last4, born, sex, phone, village, kk_hash, unit_id in rows:
        yield Record(pk, key, nik_hash, first4, last4, born, sex, phone, village, kk_hash or "", unit_id)


def _load(institution_id: int, wanted: dict[str, set]) -> dict[int, Record]:
    """The institution's records in use that share a look-up key with the file: one scan of the needed
    columns, or IN lists in chunks when the registry is much larger than the file."""
    base = Beneficiary.objects.filter(institution_id=institution_id, merged_into__isnull=True)
    keys = sum(len(values) for values in wanted.values())
    if not keys:
        return {}
    found: dict[int, Record] = {}
    if base.count() <= SCAN_RATIO * keys:
        for record in _records(base.values_list(*_COLUMNS).iterator(chunk_size=5000)):
            if (
                record.nik_hash in wanted["nik"]
                or record.kk_hash in wanted["kk"]
                or record.phone in wanted["phone"]
                or record.birth_date in wanted["born"]
                or record.name_key in wanted["name"]
            ):
                found[record.pk] = record
        return found
    for kind, values in wanted.items():
        values = sorted(values)
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            rows = base.filter(**{f"{_FIELD[kind]}__in": chunk}).values_list(*_COLUMNS)
            for record in _records(rows):
                found.setdefault(record.pk, record)
    return found


def registry_candidates(
    institution_id: int, rows: list[tuple[int, matching.Probe]], *, progress: Progress = _no_progress
) -> dict[int, list[dict]]:
    """Row number -> the registry records the row's person may already be, best first, as
    ``matching.candidates`` would rank them (at most ``matching.TOP``), those scoring at least
    ``FLAG_SCORE``: ``{"id", "unit", "score", "reasons"}``."""
    wanted: dict[str, set] = {kind: set() for kind in _FIELD}
    for _number, probe in rows:
        for kind, value in _lookups(probe):
            wanted[kind].add(value)
    records = _load(institution_id, wanted)
    index: dict[tuple, list[Record]] = defaultdict(list)
    for record in sorted(records.values(), key=lambda r: r.pk):
        for key in (
            ("nik", record.nik_hash),
            ("kk", record.kk_hash),
            ("phone", record.phone),
            ("born", record.birth_date),
            ("name", record.name_key),
        ):
            if key[1] and key[1] in wanted[key[0]]:
                index[key].append(record)
    found: dict[int, list[matching.Candidate]] = {}
    for done, (number, probe) in enumerate(rows, start=1):
        others: dict[int, Record] = {}
        for key in _lookups(probe):
            for record in index.get(key, ())[: matching.PER_LOOKUP]:
                others[record.pk] = record
        scored = [matching.score(probe, record, record.kk_hash) for record in others.values()]
        scored = [c for c in scored if c.score >= matching.MIN_SCORE]
        scored.sort(key=lambda c: (-c.score, c.beneficiary.pk))
        flagged = [c for c in scored[: matching.TOP] if c.score >= FLAG_SCORE]
        if flagged:
            found[number] = flagged
        if done % PROGRESS_EVERY == 0:
            progress(done)
    unit_ids = sorted({c.beneficiary.unit_id for flagged in found.values() for c in flagged})
    units: dict[int, str] = {}
    for start in range(0, len(unit_ids), CHUNK):
        units.update(Unit.objects.filter(pk__in=unit_ids[start : start + CHUNK]).values_list("pk", "name"))
    return {
        number: [
            {
                "id": c.beneficiary.pk,
                "unit": units.get(c.beneficiary.unit_id, ""),
                "score": round(c.score, 2),
                "reasons": c.reasons,
            }
            for c in flagged
        ]
        for number, flagged in found.items()
    }
