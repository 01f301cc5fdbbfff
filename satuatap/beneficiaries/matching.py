"""Online duplicate detection: who in the institution's registry may this person already be?

When a person is registered or verified, the candidates come from the whole institution,
not only the user's scope: a family must not collect from three branches. Retrieval uses
only indexed look-ups, each answering a few dozen rows even at a million people: the
same NIK (keyed hash), the same KK (keyed hash), the same phone, the same birth date
(also with day and month swapped, a common slip), and the same normalised name. The
rows found are then scored in Python with evidence a person can read ("same KK; name
0.93; same village"); the best five are shown.

The score is a weighted sum of the evidence, kept simple so that it can be explained:
an identifier that agrees counts much, one that disagrees counts against; names are
compared after ``core.names.name_key`` (titles dropped, Muhammad/Moh./M., Siti/St.,
Nur/Noor, Abdul/Abd., old spelling made one) with Jaro-Winkler from rapidfuzz.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz.distance import JaroWinkler

from satuatap.beneficiaries.linkage.prepare import place_key
from satuatap.beneficiaries.models import Beneficiary, NotDuplicate
from satuatap.core.crypto import blind_index
from satuatap.core.formatting import format_fraction
from satuatap.core.names import name_key

TOP = 5
# Rows scored per look-up at most: a very common birth date or name must not make the search slow.
PER_LOOKUP = 200
# Names from this length on are also looked up by trigram similarity, from this similarity on.
NAME_TRIGRAM_MIN = 5
NAME_TRIGRAM_THRESHOLD = 0.5
# From this score on a candidate found by the exact look-ups is strong enough to skip the trigram one.
STRONG = 0.6
# Below this score a record is not shown as a candidate.
MIN_SCORE = 0.2
# Nurul is Nur with the article: the same person writes both.
_COMPARE_ALIASES = {"nurul": "nur"}
# Name words that half the registry shares: agreeing on them says little, so they weigh less.
COMMON_WORDS = frozenset({"siti", "muhammad", "nur", "abdul", "ahmad", "sri", "dewi", "putri", "binti", "bin"})
_COMMON_WEIGHT = 0.3


@dataclass(frozen=True)
class Probe:
    """What is known of the person being registered or verified (identifiers already cleaned)."""

    full_name: str = ""
    nik: str = ""
    kk: str = ""
    birth_date: date | None = None
    sex: str = ""
    phone: str = ""
    village: str = ""
    exclude: tuple[int, ...] = ()

    # Computed once per search, not once per record scored.
    @cached_property
    def key(self) -> str:
        return name_key(self.full_name, drop_titles=True)

    @cached_property
    def nik_hash(self) -> str:
        return blind_index("nik", self.nik)

    @cached_property
    def kk_hash(self) -> str:
        return blind_index("kk", self.kk)

    @cached_property
    def village_key(self) -> str:
        return place_key(self.village) or ""

    @property
    def is_empty(self) -> bool:
        return not (self.key or self.nik or self.kk or self.birth_date or self.phone)

    @classmethod
    def of_fields(cls, fields: dict, exclude: tuple[int, ...] = ()) -> "Probe":
        """From cleaned registration fields (``services.beneficiary_register``'s)."""
        return cls(
            full_name=fields.get("full_name") or "",
            nik=fields.get("nik") or "",
            kk=fields.get("kk") or "",
            birth_date=fields.get("birth_date"),
            sex=fields.get("sex") or "",
            phone=fields.get("phone") or "",
            village=fields.get("village") or "",
            exclude=exclude,
        )

    @classmethod
    def of_record(cls, beneficiary: Beneficiary) -> "Probe":
        """A registered person, to find the other records that may be them."""
        return cls(
            full_name=beneficiary.full_name,
            nik=beneficiary.nik or "",
            kk=beneficiary.household.kk if beneficiary.household_id else "",
            birth_date=beneficiary.birth_date,
            sex=beneficiary.sex,
            phone=beneficiary.phone,
            village=beneficiary.village,
            exclude=(beneficiary.pk,),
        )


@dataclass
class Candidate:
    beneficiary: Beneficiary
    score: float
    # The reasons as lazy texts, and the name's similarity as a number: put in words only when read, in the
    # language then active (an import scores hundreds of thousands of pairs and shows a few).
    evidence: list = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [
            _("name %(similarity)s") % {"similarity": format_fraction(e)} if isinstance(e, float) else str(e)
            for e in self.evidence
        ]

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def compare_form(key: str) -> str:
    return " ".join(_COMPARE_ALIASES.get(word, word) for word in key.split())


def _word_similarity(words: list[str], others: list[str]) -> float:
    """Each word against its best match among the other name's words, common words weighing less."""
    total = weight = 0.0
    for word in words:
        w = _COMMON_WEIGHT if word in COMMON_WORDS else 1.0
        total += w * max(JaroWinkler.similarity(word, other) for other in others)
        weight += w
    return total / weight


# An import scores millions of pairs in which the same names and villages come back: each is computed once.
@lru_cache(maxsize=200_000)
def name_similarity(a: str, b: str) -> float:
    """0 to 1 for two ``name_key`` forms. Word order does not matter ("Aminah Siti"); a word's
    typo costs little ("Nruhaliza"); sharing only a common word (Siti, Muhammad) counts little;
    a single name that is one of the other's words counts nearly as the same ("Suparman" and
    "Suparman Hadi"), but only for a distinctive word (five letters or more)."""
    a, b = compare_form(a), compare_form(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    words_a, words_b = a.split(), b.split()
    longer, shorter = (words_a, words_b) if len(words_a) >= len(words_b) else (words_b, words_a)
    similarity = min(_word_similarity(longer, shorter), _word_similarity(shorter, longer))
    if len(words_a) != len(words_b):  # words joined or split: "Nurhidayat" and "Nur Hidayat"
        similarity = max(similarity, JaroWinkler.similarity(a.replace(" ", ""), b.replace(" ", "")) - 0.05)
    if len(shorter) == 1 and len(shorter[0]) >= 5:
        similarity = max(similarity, 0.9 * _word_similarity(shorter, longer))
    return similarity


def swapped_date(day: date | None) -> date | None:
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


_village_key = lru_cache(maxsize=100_000)(place_key)
# What ``score`` finds, translated only when a candidate's reasons are read.
_SAME_NIK = gettext_lazy("same NIK")
_NIK_DIFFERS_IN_ITS_MIDDLE_DIGITS = gettext_lazy("NIK differs in its middle digits")
_DIFFERENT_NIK = gettext_lazy("different NIK")
_SAME_KK = gettext_lazy("same KK")
_SAME_BIRTH_DATE = gettext_lazy("same birth date")
_BIRTH_DATE_WITH_DAY_AND_MONTH_SWAPPED = gettext_lazy("birth date with day and month swapped")
_SAME_BIRTH_DAY_OTHER_YEAR = gettext_lazy("same birth day, other year")
_SAME_BIRTH_YEAR = gettext_lazy("same birth year")
_DIFFERENT_BIRTH_DATE = gettext_lazy("different birth date")
_DIFFERENT_SEX = gettext_lazy("different sex")
_SAME_PHONE = gettext_lazy("same phone")
_SAME_VILLAGE = gettext_lazy("same village")


def _same_village(a: str, b: str) -> bool:
    """Two village names in ``linkage.prepare.place_key`` form ("Kel. Suka Maju" = "Sukamaju"):
    the same, or one mistyped."""
    return bool(a) and (a == b or JaroWinkler.similarity(a, b) >= 0.92)


def score(probe: Probe, other: Beneficiary, other_kk_hash: str = "") -> Candidate:
    """How likely ``other`` is the probed person, with the reasons, readable by staff."""
    total, reasons = 0.0, []
    if probe.nik_hash and other.nik_hash:
        if probe.nik_hash == other.nik_hash:
            total += 0.55
            reasons.append(_SAME_NIK)
        elif probe.nik[:4] == other.nik_first4 and probe.nik[-4:] == other.nik_last4:
            # Same region and serial, different middle digits: a birth date or district mistyped.
            total -= 0.05
            reasons.append(_NIK_DIFFERS_IN_ITS_MIDDLE_DIGITS)
        else:
            total -= 0.3
            reasons.append(_DIFFERENT_NIK)
    if probe.kk_hash and other_kk_hash == probe.kk_hash:
        total += 0.1
        reasons.append(_SAME_KK)
    similarity = name_similarity(probe.key, other.name_key)
    total += 0.55 * similarity - 0.2
    reasons.append(float(similarity))
    if probe.birth_date and other.birth_date:
        if probe.birth_date == other.birth_date:
            total += 0.25
            reasons.append(_SAME_BIRTH_DATE)
        elif swapped_date(probe.birth_date) == other.birth_date:
            total += 0.15
            reasons.append(_BIRTH_DATE_WITH_DAY_AND_MONTH_SWAPPED)
        elif (probe.birth_date.month, probe.birth_date.day) == (other.birth_date.month, other.birth_date.day):
            total += 0.1
            reasons.append(_SAME_BIRTH_DAY_OTHER_YEAR)
        elif probe.birth_date.year == other.birth_date.year:
            total += 0.02
            reasons.append(_SAME_BIRTH_YEAR)
        else:
            total -= 0.2
            reasons.append(_DIFFERENT_BIRTH_DATE)
    if probe.sex and other.sex and probe.sex != other.sex:
        total -= 0.3
        reasons.append(_DIFFERENT_SEX)
    if probe.phone and probe.phone == other.phone:
        total += 0.2
        reasons.append(_SAME_PHONE)
    if probe.village_key and _same_village(probe.village_key, _village_key(other.village) or ""):
        total += 0.07
        reasons.append(_SAME_VILLAGE)
    return Candidate(other, max(0.0, min(1.0, total)), reasons)


# The fields ``score`` reads of a registry record (the set-wise import search reads the same).
SCORED_FIELDS = (
    *("name_key", "nik_hash", "nik_first4", "nik_last4", "birth_date", "sex", "phone", "village"),
    "household__kk_hash",
)


def candidates(institution_id: int, probe: Probe, *, top: int = TOP) -> list[Candidate]:
    """The ``top`` records of the institution most likely to be the probed person, best first."""
    lookups = []
    if probe.nik_hash:
        lookups.append(Q(nik_hash=probe.nik_hash))
    if probe.kk_hash:
        lookups.append(Q(household__kk_hash=probe.kk_hash))
    if probe.phone:
        lookups.append(Q(phone=probe.phone))
    if probe.birth_date:
        lookups.append(Q(birth_date=probe.birth_date))
        swapped = swapped_date(probe.birth_date)
        if swapped:
            lookups.append(Q(birth_date=swapped))
    key = probe.key
    if key:
        lookups.append(Q(name_key=key))
    if not lookups:
        return []
    base = (
        Beneficiary.objects.filter(institution_id=institution_id, merged_into__isnull=True)
        .exclude(pk__in=probe.exclude)
        .select_related("registered_unit")
        .only(
            "id",
            "number",
            "full_name",
            *SCORED_FIELDS,
            "status",
            "household_id",
            "registered_unit__name",
            "registered_unit__code",
            "registered_unit__path",
            "institution_id",
        )
    )
    scored = _scored(probe, base, lookups)
    # A typo'd name is looked up by trigram only when the exact look-ups found no strong candidate:
    # the trigram search is the slow one, and a strong candidate is already the answer to show.
    if not scored or scored[0].score < STRONG:
        similar = _similar_names(institution_id, key)
        known = {c.beneficiary.pk for c in scored}
        if set(similar) - known:
            scored = _scored(probe, base, [*lookups, Q(pk__in=similar)])
    return scored[:top]


def _scored(probe: Probe, base, lookups: list[Q]) -> list[Candidate]:
    # Each look-up stays on its own index (an OR of them would scan): a UNION of their ids, then
    # one read of the rows.
    ids = [base.filter(lookup).values_list("pk", flat=True)[:PER_LOOKUP] for lookup in lookups]
    if connection.features.supports_slicing_ordering_in_compound:
        pks = list(ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0])
    else:  # SQLite: no LIMIT inside a UNION
        pks = [pk for query in ids for pk in query]
    found = {row.pk: row for row in base.filter(pk__in=pks).select_related("household")}
    rejected = _not_duplicates(probe.exclude, found)
    scored = [
        score(probe, row, row.household.kk_hash if row.household_id else "")
        for pk, row in found.items()
        if pk not in rejected
    ]
    scored = [c for c in scored if c.score >= MIN_SCORE]
    scored.sort(key=lambda c: (-c.score, c.beneficiary.pk))
    return scored


def _similar_names(institution_id: int, key: str) -> list[int]:
    """Ids of records whose name is like ``key`` with a typo ("Fbei Nasyidah", "Paman"), from the
    trigram index on PostgreSQL (migration 0002); nothing on SQLite, where the exact look-ups serve."""
    if connection.vendor != "postgresql" or len(key) < NAME_TRIGRAM_MIN:
        return []
    with transaction.atomic(), connection.cursor() as cursor:  # the setting lasts for this transaction
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(NAME_TRIGRAM_THRESHOLD)])
        cursor.execute(
            "SELECT id FROM beneficiaries_beneficiary WHERE name_key %% %s AND institution_id = %s "
            "AND merged_into_id IS NULL LIMIT %s",
            [key, institution_id, PER_LOOKUP],
        )
        return [row[0] for row in cursor.fetchall()]


def _not_duplicates(ids: tuple[int, ...], found: dict) -> set[int]:
    """Records a person already decided are not the same as any of ``ids``."""
    if not ids or not found:
        return set()
    pairs = NotDuplicate.objects.filter(
        Q(first_id__in=ids, second_id__in=found) | Q(second_id__in=ids, first_id__in=found)
    ).values_list("first_id", "second_id")
    return {pk for pair in pairs for pk in pair if pk not in ids}
