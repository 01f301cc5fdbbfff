"""Telling donors apart: what a search box means, and which donors are likely the same person.

Pure functions first (unit-tested without a database): ``parse_search`` reads what a clerk typed
(a name, a donor number, a phone number, an email, a NIK or an NPWP); ``name_query`` turns a name
into the prefixes and tokens the search looks for; ``name_similarity`` compares two names after
``identifiers.name_key`` (so Muhammad/Moh./Muh., Siti/Sitti, Nur/Noor and old spelling are one).
``duplicate_candidates`` then asks the database for the donors a new registration may repeat.

Name tokens follow one rule in SQL and in Python (``token_matches``): a token of four letters or
more may appear anywhere in the name (Indonesian names join words: "Nurhidayat",
"Abdurrahman"); a shorter one must start a word of the name.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from satuatap.core import names
from satuatap.core.crypto import blind_index
from satuatap.core.text import squash
from satuatap.donors import identifiers
from satuatap.donors.errors import DonorRefused

# Below this length a token must start a word of the name; from it on it may appear anywhere.
INFIX_MIN = 4
MIN_QUERY = 2
# A phone number typed in part is looked up from this many digits on, as typed ("0812"): a clerk
# starts with the operator's prefix. Fewer digits match too many donors to be worth a look-up.
PHONE_PREFIX_MIN = 4

_VARIANT_KEYS = sorted(names.NAME_VARIANTS)
_NUMBER_RE = re.compile(r"^[A-Za-z0-9]{2,10}-\d+$")
_DIGITS_RE = re.compile(r"^[+\d\s().\-]+$")


# --- what was typed -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """How a search text is read. ``kind`` is one of: empty, short, name, number, phone, email,
    identifier (NIK/NPWP by keyed hash)."""

    kind: str
    text: str = ""
    name: "NameQuery | None" = None
    number_prefix: str = ""
    phone_exact: str = ""
    phone_prefix: str = ""
    emails: tuple[str, ...] = ()
    email_prefix: bool = False
    nik_hashes: tuple[str, ...] = ()
    npwp_hashes: tuple[str, ...] = ()


def parse_search(text: str | None) -> SearchTerms:
    """Read a search text: an identifier when it looks like one, otherwise a name."""
    text = squash(text)[:200]
    if not text:
        return SearchTerms("empty")
    if len(text) < MIN_QUERY:
        return SearchTerms("short", text)
    if "@" in text:
        lowered = text.lower()
        try:
            exact = identifiers.clean_email(text)
        except DonorRefused:
            return SearchTerms("email", text, emails=tuple(dict.fromkeys([text, lowered])), email_prefix=True)
        return SearchTerms("email", text, emails=tuple(dict.fromkeys([exact, exact.lower()])))
    if _NUMBER_RE.match(text):
        return SearchTerms("number", text, number_prefix=text.upper())
    if _DIGITS_RE.match(text) and any(c.isdigit() for c in text):
        return _digits(text)
    name = name_query(text)
    if name is None:
        return SearchTerms("short", text)
    return SearchTerms("name", text, name=name)


def _digits(text: str) -> SearchTerms:
    digits = re.sub(r"\D", "", text)
    if len(digits) == 16:
        # A NIK; since 2024 a person's NPWP is their NIK too.
        return SearchTerms(
            "identifier", text, nik_hashes=(blind_index("nik", digits),), npwp_hashes=(blind_index("npwp", digits),)
        )
    if len(digits) == 15 and not text.lstrip().startswith("+"):
        return SearchTerms("identifier", text, npwp_hashes=(blind_index("npwp", digits),))
    phone = phone_prefix(text)
    if not phone:
        return SearchTerms("short", text)
    try:
        exact = identifiers.clean_phone(text)
    except DonorRefused:
        exact = ""
    return SearchTerms("phone", text, phone_exact=exact, phone_prefix=phone)


def phone_prefix(text: str) -> str:
    """The start of an E.164 number from what was typed: ``0812`` -> ``+62812``; "" below 4 digits."""
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("+") or digits.startswith("62"):
        e164 = "+" + digits
    elif digits.startswith("0"):
        e164 = "+62" + digits[1:]
    elif digits.startswith("8"):
        e164 = "+62" + digits
    else:
        return ""
    return e164 if len(digits) >= PHONE_PREFIX_MIN else ""


# --- names --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameQuery:
    """``prefixes``: name keys that start with one of these match best (the name as typed so far);
    ``tokens``: every token (as a tuple of alternatives) must match a name for it to be found."""

    prefixes: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]


def _modern(word: str) -> str:
    """A word in today's spelling (``name_key`` without the variant table)."""
    for old, new in names.OLD_SPELLING:
        word = word.replace(old, new)
    return word


def name_query(text: str) -> NameQuery | None:
    """The prefixes and tokens a name search looks for; None if nothing searchable was typed.

    Complete words are taken in their ``name_key`` form; the last word may be half typed, so it
    also stands for itself and for every spelling variant it is the start of ("Moha" may become
    "Mohammad", which is stored as "muhammad")."""
    typed = names.name_words(text, drop_titles=True)
    words = [names.key_word(word) for word in typed]
    if not words or len("".join(typed)) < MIN_QUERY:
        return None
    raw = typed[-1]
    last = [words[-1], _modern(raw)]
    if len(raw) >= 2:
        last += [names.NAME_VARIANTS[key] for key in _VARIANT_KEYS if key.startswith(raw)]
    last_alternatives = tuple(dict.fromkeys(w for w in last if w))
    head = words[:-1]
    candidates = sorted(dict.fromkeys(" ".join([*head, alt]) for alt in last_alternatives), key=len)
    # A prefix that starts with another one finds nothing more ("nur" already finds "nurul").
    prefixes = tuple(p for i, p in enumerate(candidates) if not any(p.startswith(q) for q in candidates[:i]))
    tokens = tuple((w,) for w in dict.fromkeys(head)) + (last_alternatives,)
    return NameQuery(prefixes=prefixes, tokens=tokens)


def token_matches(key: str, alternatives: tuple[str, ...]) -> bool:
    """Python twin of the SQL token condition (see the module docstring)."""
    for alt in alternatives:
        if len(alt) >= INFIX_MIN:
            if alt in key:
                return True
        elif key.startswith(alt) or f" {alt}" in key:
            return True
    return False


def name_matches(key: str, query: NameQuery) -> bool:
    return all(token_matches(key, alternatives) for alternatives in query.tokens)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two strings, 0 (nothing alike) to 1 (equal)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags, b_flags = [False] * len(a), [False] * len(b)
    matches = 0
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_flags[j] and b[j] == char:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    a_matched = [c for c, f in zip(a, a_flags, strict=True) if f]
    b_matched = [c for c, f in zip(b, b_flags, strict=True) if f]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


TOKEN_CLOSE = 0.9  # "hidayat"/"hidajat", "rahmat"/"rachmat"; not "rina"/"rini"
NAME_CLOSE = 0.75


def _tokens_alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # an initial: "A. Rahman" and "Abdul Rahman"
        return a[0] == b[0]
    return min(len(a), len(b)) >= 4 and jaro_winkler(a, b) >= TOKEN_CLOSE


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, 0 to 1, after ``name_key``: the share of the shorter name's words
    found (exactly, as an initial, or nearly: Jaro-Winkler >= 0.9) in the longer one, in any
    order. "Nur Hidayat" and "Muhammad Nur Hidajat" score 1: one name lacks a word, none differs.
    Two one-word names need to be alike as words."""
    words_a, words_b = identifiers.name_key(a).split(), identifiers.name_key(b).split()
    if not words_a or not words_b:
        return 0.0
    short, long = sorted((words_a, words_b), key=lambda words: (len(words), words))
    free = list(long)
    found = whole = 0
    for word in short:
        for i, other in enumerate(free):
            if _tokens_alike(word, other):
                found += 1
                whole += len(word) > 1 and len(other) > 1  # initials alone never make two names alike
                del free[i]
                break
    if not whole or found < min(2, len(short)):
        return 0.0
    return found / len(short)


# --- likely duplicates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """What is known of a donor being registered, each identifier cleaned ('' when missing or not
    yet valid: a half-typed NIK matches nothing)."""

    full_name: str = ""
    name_key: str = ""
    nik_hash: str = ""
    npwp_hash: str = ""
    phone: str = ""
    email: str = ""
    birth_date: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.name_key or self.nik_hash or self.npwp_hash or self.phone or self.email)


def _lenient(clean, value) -> str:
    try:
        return clean(value)
    except DonorRefused:
        return ""


def probe_from(data) -> Probe:
    """A ``Probe`` from form data as typed so far; nothing here refuses anything."""
    nik = _lenient(identifiers.clean_nik, data.get("nik"))
    npwp = _lenient(identifiers.clean_npwp, data.get("npwp"))
    birth = data.get("birth_date")
    if isinstance(birth, str):
        try:
            birth = date.fromisoformat(birth.strip()) if birth.strip() else None
        except ValueError:
            birth = None
    elif not isinstance(birth, date):
        birth = None
    full_name = squash(data.get("full_name"))[:200]
    return Probe(
        full_name=full_name,
        name_key=identifiers.name_key(full_name),
        nik_hash=blind_index("nik", nik),
        npwp_hash=blind_index("npwp", npwp),
        phone=_lenient(identifiers.clean_phone, data.get("phone")),
        email=_lenient(identifiers.clean_email, data.get("email")),
        birth_date=birth,
    )


# Why a donor is shown as a likely duplicate, strongest first.
REASONS = ("nik", "npwp", "phone", "email", "name_birth_date", "name_phone")


def match_reasons(probe: Probe, donor) -> list[str]:
    """Why ``donor`` may be the person described by ``probe`` (empty: not a likely duplicate)."""
    reasons = []
    if probe.nik_hash and probe.nik_hash == donor.nik_hash:
        reasons.append("nik")
    if probe.npwp_hash and probe.npwp_hash == donor.npwp_hash:
        reasons.append("npwp")
    if probe.phone and probe.phone == donor.phone:
        reasons.append("phone")
    if probe.email and probe.email.lower() == (donor.email or "").lower():
        reasons.append("email")
    if probe.name_key and name_similarity(probe.name_key, donor.name_key) >= NAME_CLOSE:
        if probe.birth_date and probe.birth_date == donor.birth_date:
            reasons.append("name_birth_date")
        if probe.phone and probe.phone == donor.phone:
            reasons.append("name_phone")
    return reasons


@dataclass
class Candidate:
    donor: Any  # a ``Donor`` (matching does not import the models)
    reasons: list[str] = field(default_factory=list)
    # False for a donor outside the user's scope whose NIK/NPWP matched: shown by number only.
    visible: bool = True

    @property
    def strength(self) -> int:
        return min(REASONS.index(r) for r in self.reasons)


MAX_CANDIDATES = 8


def probe_of(donor) -> Probe:
    """A ``Probe`` of a registered donor, to find the donors it may repeat."""
    return Probe(
        full_name=donor.full_name,
        name_key=donor.name_key,
        nik_hash=donor.nik_hash,
        npwp_hash=donor.npwp_hash,
        phone=donor.phone,
        email=donor.email,
        birth_date=donor.birth_date,
    )


def exact_reasons(probe: Probe, donor) -> list[str]:
    """The exact matches between ``probe`` and ``donor``: a same identifier, or the same normalised
    name with the same birth date or phone (a close name alone is only a likely duplicate)."""
    reasons = [r for r in match_reasons(probe, donor) if r in ("nik", "npwp", "phone", "email")]
    # (The same name with the same phone is already "same phone".)
    same_name = probe.name_key and probe.name_key == donor.name_key
    if same_name and probe.birth_date and probe.birth_date == donor.birth_date:
        reasons.append("name_birth_date")
    return reasons
