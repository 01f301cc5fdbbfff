"""The columns of a beneficiaries list: what each means, the header names it is known by, and the
blank template to fill (``template_bytes``). ``rows`` reads and checks the rows by them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.exports import xlsx_bytes
from satuatap.core.tabular import Column

# Keys are the registration service's field names (and the consent's); HEADERS below names them in the template.
COLUMNS = [
    Column(
        "full_name",
        gettext_lazy("Full name"),
        "Sri Wahyuni",
        ("nama", "nama lengkap", "name", "nama mustahik", "nama penerima", "penerima manfaat"),
        required=True,
        help=gettext_lazy("As on the identity card."),
    ),
    Column(
        "nik", gettext_lazy("NIK"), "3318015508900003", ("no ktp", "ktp", "no nik"), help=gettext_lazy("16 digits.")
    ),
    Column(
        "kk",
        gettext_lazy("KK number"),
        "3318012006180001",
        ("no_kk", "no kk", "nomor kk", "kk", "kartu keluarga", "family card", "kk number"),
        help=gettext_lazy("16 digits; people with the same KK form one household."),
    ),
    Column(
        "relation",
        gettext_lazy("Relation to the head"),
        "kepala keluarga",
        ("hubungan", "hubungan keluarga", "status dalam keluarga", "shdk", "relation", "relationship"),
        help=gettext_lazy("Head, spouse, child, parent, grandchild, sibling or other; one head per KK."),
    ),
    Column("birth_place", gettext_lazy("Birth place"), "Pati", ("tempat_lahir", "tempat lahir")),
    Column(
        "birth_date",
        gettext_lazy("Birth date"),
        "1990-08-15",
        ("tanggal_lahir", "tanggal lahir", "tgl lahir", "date of birth", "dob"),
        help=gettext_lazy(
            "2026-03-17, 17/03/2026 or 17 Maret 2026; must agree with the NIK "
            "(a row that does not is kept as a possible duplicate)."
        ),
    ),
    Column(
        "sex",
        gettext_lazy("Sex"),
        "P",
        ("jenis_kelamin", "jenis kelamin", "jk", "l/p", "kelamin", "gender"),
        help=gettext_lazy("L (male) or P (female)."),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        "0812-3456-7890",
        ("telepon", "telp", "hp", "no hp", "nomor hp", "whatsapp", "wa", "no wa"),
        help=gettext_lazy("08xx or +62 8xx."),
    ),
    Column("province", gettext_lazy("Province"), "Jawa Tengah", ("provinsi",)),
    Column("regency", gettext_lazy("Regency/city"), "Pati", ("kabupaten", "kota", "kabupaten/kota", "city")),
    Column("district", gettext_lazy("District"), "Kayen", ("kecamatan",)),
    Column("village", gettext_lazy("Village"), "Kayen", ("desa", "kelurahan", "kelurahan/desa", "desa/kelurahan")),
    Column(
        "region",
        gettext_lazy("Region code"),
        "",
        ("kode wilayah", "kode_wilayah", "kode desa", "kode_desa", "region", "region code"),
        help=gettext_lazy("Optional: the official code of the village or district, e.g. 33.18.02.2009."),
    ),
    Column("street", gettext_lazy("Street address"), "Jl. Pemuda 3", ("alamat", "jalan", "address")),
    Column("rt", gettext_lazy("RT"), "001", ()),
    Column("rw", gettext_lazy("RW"), "002", ()),
    Column(
        "has_disability",
        gettext_lazy("Disability"),
        "tidak",
        ("disabilitas", "difabel", "penyandang disabilitas"),
        help=gettext_lazy("Yes or no (empty: no)."),
    ),
    Column(
        "is_orphan",
        gettext_lazy("Orphan"),
        "tidak",
        ("yatim", "yatim piatu", "yatim/piatu"),
        help=gettext_lazy("Yes or no (empty: no)."),
    ),
    Column(
        "chronic_illness",
        gettext_lazy("Chronic illness"),
        "tidak",
        ("sakit_kronis", "sakit kronis", "penyakit kronis"),
        help=gettext_lazy("Yes or no (empty: no)."),
    ),
    Column(
        "asnaf",
        gettext_lazy("Asnaf"),
        "miskin",
        (),
        help=gettext_lazy("One of the eight asnaf, or empty until assessed."),
    ),
    Column(
        "asnaf_reason",
        gettext_lazy("Reason for the asnaf"),
        "Penghasilan di bawah kebutuhan minimum",
        ("alasan_asnaf", "alasan asnaf", "alasan", "asnaf reason"),
        help=gettext_lazy("Required when an asnaf is given."),
    ),
    Column(
        "consent_method",
        gettext_lazy("Consent"),
        "tertulis",
        ("persetujuan", "cara persetujuan", "consent method", "izin"),
        help=gettext_lazy("How the person (or guardian) consented: written, thumbprint, verbal or digital."),
    ),
    Column(
        "guardian_name",
        gettext_lazy("Guardian"),
        "",
        ("wali", "nama wali", "orang tua wali", "guardian name"),
        help=gettext_lazy("For a child under 18: the parent or guardian who consented."),
    ),
    Column(
        "guardian_relation",
        gettext_lazy("Guardian's relation"),
        "",
        ("hubungan_wali", "hubungan wali", "guardian relation"),
        help=gettext_lazy("E.g. mother, father, uncle."),
    ),
]
# The template's headers: short Indonesian names, the same in every language of the interface.
HEADERS = {
    "full_name": "nama",
    "nik": "nik",
    "kk": "no_kk",
    "relation": "hubungan",
    "birth_place": "tempat_lahir",
    "birth_date": "tanggal_lahir",
    "sex": "jenis_kelamin",
    "phone": "telepon",
    "province": "provinsi",
    "regency": "kabupaten",
    "district": "kecamatan",
    "village": "desa",
    "region": "kode_wilayah",
    "street": "alamat",
    "rt": "rt",
    "rw": "rw",
    "has_disability": "disabilitas",
    "is_orphan": "yatim",
    "chronic_illness": "sakit_kronis",
    "asnaf": "asnaf",
    "asnaf_reason": "alasan_asnaf",
    "consent_method": "persetujuan",
    "guardian_name": "wali",
    "guardian_relation": "hubungan_wali",
}
# The service's error fields that are not named as a column.
FIELD_COLUMN = {"consent_purpose": "consent_method", "consent_given_on": "consent_method"}


def template_bytes() -> bytes:
    """The blank list to fill: the header, one example row, and a sheet explaining each column."""
    explained = [[HEADERS[c.key], str(c.label), _("yes") if c.required else _("no"), str(c.help)] for c in COLUMNS]
    return xlsx_bytes(
        [
            (_("Data"), [HEADERS[c.key] for c in COLUMNS], [[str(c.example) for c in COLUMNS]]),
            (_("Help"), [_("Column"), _("Meaning"), _("Required"), _("What to write")], explained),
        ]
    )
