"""Indonesian personal names in one normal form, for matching donors and beneficiaries.

``name_key`` lower-cases, strips accents and punctuation, modernises the pre-1972 spelling
still found on documents (Soekarno = Sukarno, Djoko = Joko, Tjipto = Cipto) and makes the
common variants of Muhammad/Siti/Nur/Abdul one word, so that "Moh. Nur Hidayat",
"Muhammad Noor Hidayat" and "MUH NUR HIDAJAT" give the same key. With ``drop_titles`` it
also drops honorifics and academic titles (H., Hj., Ir., Dr., S.Pd., ...), which the
registry of beneficiaries sees on half its lists and the other half not.
"""

import re
import unicodedata

# Spelling variants of common Indonesian name parts, mapped to one form.
NAME_VARIANTS = {
    "muhammad": "muhammad",
    "muhamad": "muhammad",
    "mohammad": "muhammad",
    "mohamad": "muhammad",
    "mochammad": "muhammad",
    "mochamad": "muhammad",
    "muhammed": "muhammad",
    "mohammed": "muhammad",
    "moh": "muhammad",
    "mohd": "muhammad",
    "muh": "muhammad",
    "mhd": "muhammad",
    "moch": "muhammad",
    "m": "muhammad",
    "siti": "siti",
    "sitti": "siti",
    "st": "siti",
    "nur": "nur",
    "noor": "nur",
    "nuur": "nur",
    "nurul": "nurul",
    "abd": "abdul",
    "abdoel": "abdul",
    "achmad": "ahmad",
    "akhmad": "ahmad",
    "ahmat": "ahmad",
}
# Old (pre-1972) spelling: Soekarno = Sukarno, Djoko = Joko, Tjipto = Cipto.
OLD_SPELLING = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh")]
# Honorifics and degrees, as words after punctuation is removed ("S.Pd." -> "s pd").
TITLES = frozenset(
    {
        "h",
        "hj",
        "kh",
        "ir",
        "dr",
        "drs",
        "dra",
        "prof",
        "ust",
        "ustadz",
        "ustadzah",
        "bpk",
        "bapak",
        "ibu",
        "sdr",
        "sdri",
        "alm",
        "almh",
        "amd",
        "se",
        "sh",
        "st",
        "mm",
        "mh",
        "mpd",
        "spd",
        "skom",
        "sag",
        "sos",
        "ssos",
        "ak",
        "pd",
        "kom",
        "ag",
        "mag",
        "msi",
        "spdi",
        "sked",
        "mkes",
        "skep",
        "dt",
        "tgk",
        "raden",
        "rr",
        "ustaz",
        "ustazah",
    }
)
# Titles that are also short forms of names (St. = Siti) or degree endings: dropped at the end only.
_TRAILING_ONLY = frozenset({"st", "se", "sh", "mm", "mh", "pd", "ak", "ag", "kom", "sos"})
# Degrees as written in one piece ("M.Kom.", "M.Ak.", "S.Pd.I"), compared without their dots: dropped at
# the end only. "M." alone stays a name (Muhammad); "M.Kom." is a master's degree.
DEGREES = frozenset(
    {
        "mkom",
        "mti",
        "spt",
        "sgz",
        "mak",
        "makt",
        "mm",
        "mt",
        "msc",
        "ma",
        "mba",
        "mhum",
        "mkn",
        "mkep",
        "mpsi",
        "msos",
        "mei",
        "mpdi",
        "mhi",
        "msy",
        "mfarm",
        "mars",
        "phd",
        "spdi",
        "spdsd",
        "si",
        "ssi",
        "sst",
        "ssy",
        "shi",
        "sei",
        "sfarm",
        "sikom",
        "sip",
        "sthi",
        "ssn",
        "sks",
        "sked",
        "sp",
        "spsi",
        "stp",
        "skm",
        "akt",
        "apt",
        "lc",
        "ba",
        "bsc",
    }
)


def _words(name: str | None) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9 ]+", " ", text).split()


def _is_degree(piece: str) -> bool:
    return piece in TITLES or piece in DEGREES


def _titles_dropped(raw_name: str) -> list[str]:
    """The words of a name without its honorifics and degrees, before or after it."""
    # Degrees follow a comma ("Siti Aminah, S.Pd."): everything after the first comma is titles.
    if "," in raw_name and _words(raw_name.split(",", 1)[0]):
        raw_name = raw_name.split(",", 1)[0]
    # One entry per written token: "M.Kom." is one token of two words, judged as "mkom".
    tokens = [words for words in (_words(token) for token in raw_name.split()) if words]
    # Honorifics in front ("Dr. H.", "Hj.", "Ir."), word by word: "H.Ahmad" is H. and Ahmad.
    while sum(len(t) for t in tokens) > 1 and tokens[0][0] in TITLES and tokens[0][0] not in _TRAILING_ONLY:
        tokens[0] = tokens[0][1:]
        if not tokens[0]:
            tokens.pop(0)
    # Degrees at the end, in one piece ("M.Kom.", "S.Pd", "ST") or two ("S. Pd.", "M Kom"): the
    # single letter before a degree ending goes with it when the two make a degree.
    while len(tokens) > 1 and _is_degree("".join(tokens[-1])):
        ending = "".join(tokens.pop())
        if len(tokens) > 1 and len(tokens[-1]) == 1 and len(tokens[-1][0]) == 1:
            letter = tokens[-1][0]
            if _is_degree(letter + ending) or (letter != "m" and ending in TITLES):
                tokens.pop()
    return [word for token in tokens for word in token]


def name_words(name: str | None, *, drop_titles: bool = False) -> list[str]:
    """The words of a name as written, lower-case ASCII without punctuation (no spelling changes)."""
    return _titles_dropped(name or "") if drop_titles else _words(name)


def key_word(word: str) -> str:
    """One word of a name in its matching form: the variant table, then today's spelling."""
    word = NAME_VARIANTS.get(word, word)
    if word not in NAME_VARIANTS.values():
        for old, new in OLD_SPELLING:
            word = word.replace(old, new)
    return word


def name_key(name: str | None, *, drop_titles: bool = False) -> str:
    """The normal form of a name for matching (see the module's docstring)."""
    return " ".join(key_word(word) for word in name_words(name, drop_titles=drop_titles))


def rebuild_name_keys(model, *, drop_titles: bool = True, batch: int = 2000) -> int:
    """Recompute the stored ``name_key`` of every row of ``model`` from its ``full_name`` (a data
    migration's work after the normal form changed); returns how many keys changed."""
    changed, last = 0, 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "full_name", "name_key")[:batch])
        if not rows:
            return changed
        last = rows[-1][0]
        stale = []
        for pk, full_name, stored in rows:
            key = name_key(full_name, drop_titles=drop_titles)[:200]
            if key != stored:
                stale.append(model(pk=pk, name_key=key))
        model.objects.bulk_update(stale, ["name_key"])
        changed += len(stale)
