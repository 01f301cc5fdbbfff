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
    }
)
# Titles that are also short forms of names (St. = Siti) or degree endings: dropped at the end only.
_TRAILING_ONLY = frozenset({"st", "se", "sh", "mm", "mh", "pd", "ak", "ag", "kom", "sos"})


def _words(name: str | None) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9 ]+", " ", text).split()


def _titles_dropped(words: list[str], raw_name: str) -> list[str]:
    # Degrees follow a comma ("Siti Aminah, S.Pd."): everything after the first comma is titles.
    if "," in (raw_name or ""):
        kept = _words(raw_name.split(",", 1)[0])
        if kept:
            words = kept
    leading = 0
    while leading < len(words) - 1 and words[leading] in TITLES and words[leading] not in _TRAILING_ONLY:
        leading += 1
    words = words[leading:]
    # Degrees without a comma ("Aminah S Pd", "Joko ST"): a title word at the end, with the
    # single letter before it ("S" of "S.Pd.").
    while len(words) > 1 and words[-1] in TITLES:
        words = words[:-1]
        if len(words) > 1 and len(words[-1]) == 1 and words[-1] != "m":
            words = words[:-1]
    return words


def name_key(name: str | None, *, drop_titles: bool = False) -> str:
    """The normal form of a name for matching (see the module's docstring)."""
    words = _words(name)
    if drop_titles:
        words = _titles_dropped(words, name or "")
    out = []
    for word in words:
        word = NAME_VARIANTS.get(word, word)
        if word not in NAME_VARIANTS.values():
            for old, new in OLD_SPELLING:
                word = word.replace(old, new)
        out.append(word)
    return " ".join(out)
