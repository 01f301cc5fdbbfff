"""How an area's name is folded for matching what people type.

"Kabupaten Pati", "Kab. Pati", "KAB PATI" and "Pati" share the key "pati"; the kind a name was
written with ("kota", "kabupaten") is kept apart, so "Kota Semarang" can still be told from
"Kabupaten Semarang" when the text says which one it means.
"""

import functools
import re
import unicodedata

# Words that say what kind of area a name is, not which one (longest first).
_KINDS = {
    "kabupaten administrasi": "kabupaten",
    "kota administrasi": "kota",
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "kotamadya": "kota",
    "kodya": "kota",
    "kota": "kota",
    "provinsi": "",
    "prov": "",
    "propinsi": "",
    "kecamatan": "",
    "kec": "",
    "kelurahan": "",
    "kel": "",
    "desa": "",
    "ds": "",
    "distrik": "",
    "gampong": "",
    "nagari": "",
}
_KIND_RE = re.compile(r"^(?:" + "|".join(sorted(_KINDS, key=len, reverse=True)) + r")\b\s*")
# Provinces also go by short names: "DKI Jakarta", "DI Yogyakarta", "Jogja", "NTB", "Babel".
_ALIASES = {
    "dki jakarta": "daerah khusus ibukota jakarta",
    "jakarta": "daerah khusus ibukota jakarta",
    "daerah khusus jakarta": "daerah khusus ibukota jakarta",
    "di yogyakarta": "daerah istimewa yogyakarta",
    "diy": "daerah istimewa yogyakarta",
    "yogyakarta": "daerah istimewa yogyakarta",
    "nad": "aceh",
    "nanggroe aceh darussalam": "aceh",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
    "babel": "kepulauan bangka belitung",
    "bangka belitung": "kepulauan bangka belitung",
    "kepri": "kepulauan riau",
    "jabar": "jawa barat",
    "jateng": "jawa tengah",
    "jatim": "jawa timur",
    "sumut": "sumatera utara",
    "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan",
    "kalbar": "kalimantan barat",
    "kalteng": "kalimantan tengah",
    "kalsel": "kalimantan selatan",
    "kaltim": "kalimantan timur",
    "kaltara": "kalimantan utara",
    "sulut": "sulawesi utara",
    "sulteng": "sulawesi tengah",
    "sulsel": "sulawesi selatan",
    "sultra": "sulawesi tenggara",
    "sulbar": "sulawesi barat",
}


def fold(text: str) -> str:
    """Lower case ASCII words separated by one space (punctuation dropped)."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("'", ""))
    return " ".join(text.split())


def split_kind(text: str) -> tuple[str, str]:
    """("kabupaten" | "kota" | "", the name's key) of a typed or official name."""
    folded = fold(text)
    kind = ""
    match = _KIND_RE.match(folded)
    if match:
        kind = _KINDS[match.group(0).strip()]
        folded = folded[match.end() :]
    folded = _ALIASES.get(folded, folded)
    return kind, folded


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    return split_kind(text)[1]
