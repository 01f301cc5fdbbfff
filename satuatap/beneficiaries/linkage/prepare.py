"""Registry records in the normal form the linkage model compares.

Pure Python (no Splink, no database), so a national run on Spark can apply the same function as
a UDF. Every comparison and blocking rule reads only these columns: the raw text is never
compared, because one person is written "Hj. SITI AMINAH, S.Pd." on one list and "Sitti Aminah"
on the next, and "Desa Sukamaju" in one village field and "Suka Maju" in another.

Empty values become ``None``: Splink treats null as "no evidence either way", which is what a
missing NIK means (registered without KTP), whereas "" would count as a value that differs.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from satuatap.core.names import name_key

# Words that say what kind of place follows, not which: "Desa Sukamaju" = "Sukamaju".
PLACE_WORDS = frozenset({"desa", "ds", "kel", "kelurahan", "dusun", "kec", "kecamatan", "kab", "kabupaten", "kota"})
# The columns ``prepare`` produces, in order (the linkage model's input table).
COLUMNS = [
    *("id", "name_key", "name_sorted", "name_tokens", "nik_key", "kk_key", "birth_date", "birth_date_swapped"),
    *("sex", "phone", "village_key", "district_key", "regency_key"),
    *("name_sound", "birth_year", "birth_month", "street_key"),
]
# Words of a street address that say what kind of way or number follows: "Jl. Melati No. 5" =
# "Jalan Melati 5".
STREET_WORDS = frozenset({"jl", "jln", "jalan", "gg", "gang", "no", "nomor", "nmr", "rt", "rw", "blok", "komp"})
# The record fields the model reads, as ``fill_rates`` reports them.
FIELDS = ("full_name", "nik_key", "kk_key", "birth_date", "sex", "phone", "village", "district", "regency", "street")
# A field filled in fewer than this share of the records helps too few pairs to block or weigh.
TOO_EMPTY = 0.2


def place_key(value: str | None) -> str | None:
    """A village, district or regency name without its kind, spaces and old spelling."""
    words = [word for word in name_key(value).split() if word not in PLACE_WORDS]
    return "".join(words) or None


def street_key(value: str | None) -> str | None:
    """A street address without the words for "street" and "number", spaces or punctuation."""
    words = [word for word in name_key(value).split() if word not in STREET_WORDS]
    return "".join(words) or None


def sound_word(word: str) -> str:
    """A word as it sounds, roughly: its first letter, then its consonants without doubles, "h"
    or the vowels, "y" read as "i" and "v" as "f". "Suwarni" = "Suwarny", "Aminah" = "Amina",
    "Hidayat" = "Hidajat" (already modernised by ``name_key``), "Sumiati" = "Soemiyati". A
    skeleton key of our own: no phonetic library is among the requirements, and the Soundex and
    Metaphone rules of English mishear Indonesian names."""
    word = word.replace("y", "i").replace("v", "f").replace("z", "s").replace("q", "k").replace("kh", "k")
    if not word:
        return word
    tail = [c for c in word[1:] if c not in "aeiouh"]
    out = word[0]
    for c in tail:
        if c != out[-1]:
            out += c
    return out


def name_sound(name: str | None) -> str | None:
    """The name's words as ``sound_word`` keys, sorted: for blocking a typo or another spelling."""
    words = sorted(sound_word(word) for word in (name or "").split() if word)
    return " ".join(words) or None


def fill_rates(records: list[Mapping]) -> dict[str, float]:
    """Per field of ``FIELDS``, the share of ``records`` that have it (0 to 1, rounded)."""
    total = len(records) or 1
    return {
        name: round(sum(1 for record in records if _text(record.get(name)) is not None) / total, 3) for name in FIELDS
    }


def too_empty(rates: Mapping[str, float]) -> list[str]:
    """The fields filled too rarely to help find duplicates, in ``FIELDS`` order."""
    return [name for name in FIELDS if rates.get(name, 0) < TOO_EMPTY]


def phone_key(value: str | None) -> str | None:
    """A phone number as E.164 digits: "+62 812-3456", "0812 3456" and "812 3456" are one number."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits or None


def _text(value) -> str | None:
    """The value as text, or None when missing (None, "", or the NaN/NaT of a pandas frame)."""
    if value is None or value != value or value == "":  # NaN is not equal to itself
        return None
    return str(value)


def _iso_date(value: date | str | None) -> str | None:
    if value is None or value != value:  # pandas NaT is not equal to itself
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()[:10] or None


def _swapped(iso: str | None) -> str | None:
    """The date with day and month exchanged, when that is a date at all and a different one:
    the commonest slip when a DD/MM/YYYY form is typed as MM/DD/YYYY."""
    if iso is None or len(iso) != 10:
        return None
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    if day == month or not day.isdigit() or int(day) > 12:
        return None
    return f"{year}-{day}-{month}"


def prepare(records: Iterable[Mapping]) -> list[dict]:
    """One row of ``COLUMNS`` per record; the records themselves are left untouched.

    A record needs ``id`` and ``full_name``; ``nik_key``, ``kk_key``, ``birth_date`` (date or
    ISO string), ``sex``, ``phone``, ``village``, ``district``, ``regency`` and ``street`` may be missing.
    Other keys (``unit_id``, ``province``, ...) are ignored: the province adds nothing the
    regency does not say, and the registering unit is, for a duplicate, another branch anyway.
    """
    rows = []
    for record in records:
        name = name_key(_text(record.get("full_name")), drop_titles=True)
        tokens = name.split()
        birth = _iso_date(record.get("birth_date"))
        rows.append(
            {
                "id": int(record["id"]),
                "name_key": name or None,
                # "Siti Aminah" = "Aminah Siti": the same words in another order.
                "name_sorted": " ".join(sorted(tokens)) or None,
                "name_tokens": tokens or None,
                "nik_key": _text(record.get("nik_key")),
                "kk_key": _text(record.get("kk_key")),
                "birth_date": birth,
                "birth_date_swapped": _swapped(birth),
                "sex": _text(record.get("sex")),
                "phone": phone_key(_text(record.get("phone"))),
                "village_key": place_key(_text(record.get("village"))),
                "district_key": place_key(_text(record.get("district"))),
                "regency_key": place_key(_text(record.get("regency"))),
                "name_sound": name_sound(name),
                "birth_year": birth[:4] if birth else None,
                "birth_month": birth[:7] if birth else None,
                "street_key": street_key(_text(record.get("street"))),
            }
        )
    return rows
