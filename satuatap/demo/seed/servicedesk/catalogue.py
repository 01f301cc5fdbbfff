"""The service desk's catalogue in the demo: the five services of the integrated service office
(KDSLY1: ZIS, KONS, BANTU, SURAT, BEA) with published standards (all 14 components of PermenPANRB
15/2014), a new version of BEA's standard waiting for the head's approval, the office's maklumat
pelayanan and WhatsApp line; the institution's own standard for paying ZIS, which the regency office
of Pati adopts (its front desk serves donors too).

Everything goes through ``servicedesk.catalogue.services`` (audited). The institution's standard is
approved by ``ketua``, the head of the institution.
"""

from datetime import timedelta

from django.utils import timezone

from satuatap.servicedesk.catalogue import services as catalogue
from satuatap.servicedesk.models import ServiceStandard

LEGAL = (
    "UU Nomor 25 Tahun 2009 tentang Pelayanan Publik\n"
    "Peraturan Menteri PANRB Nomor 15 Tahun 2014 tentang Pedoman Standar Pelayanan"
)
ZAKAT_LAW = (
    "UU Nomor 23 Tahun 2011 tentang Pengelolaan Zakat\nPP Nomor 14 Tahun 2014 tentang Pelaksanaan UU Pengelolaan Zakat"
)

MANAGEMENT = {
    "complaint_channels": (
        "Kotak saran di ruang tunggu\nWhatsApp layanan 0812-2600-1234 (Senin–Jumat 08.00–16.00)\n"
        "Surel pengaduan@satuatap.example\nLangsung kepada Kepala Kantor Layanan"
    ),
    "facilities": (
        "Ruang tunggu ber-AC dengan 30 kursi, mesin antrean dan layar panggilan\n"
        "Loket prioritas untuk lansia, penyandang disabilitas dan ibu hamil\n"
        "Kursi roda, jalur landai, toilet ramah disabilitas, ruang laktasi, musala, tempat parkir"
    ),
    "staff_competence": (
        "Pendidikan minimal SMA/sederajat\nMemahami fikih zakat dan ketentuan penyaluran\n"
        "Telah mengikuti pelatihan pelayanan prima dan penggunaan aplikasi Satu Atap"
    ),
    "internal_supervision": (
        "Pengawasan harian oleh Kepala Kantor Layanan\nEvaluasi mingguan setiap Jumat\n"
        "Audit internal oleh Satuan Audit Internal setiap semester"
    ),
    "service_guarantee": (
        "Kami menjamin pelayanan sesuai standar ini; bila tidak, pengaduan ditindaklanjuti paling lama 5 hari kerja."
    ),
    "security_guarantee": (
        "Data pribadi dan dokumen pemohon dijaga kerahasiaannya dan hanya dipakai untuk layanan ini\n"
        "Setiap setoran diberi bukti setor resmi bernomor dan dapat diperiksa keasliannya"
    ),
    "performance_evaluation": (
        "Survei kepuasan masyarakat setiap triwulan\nEvaluasi waktu tunggu dan waktu layanan setiap Jumat\n"
        "Hasil evaluasi diumumkan di papan informasi dan laman layanan"
    ),
}

SERVICES = [
    {
        "service": {
            "code": "ZIS", "name": "Pembayaran zakat, infak dan sedekah", "category": "Penghimpunan",
            "description": "Setor zakat maal, zakat fitrah, infak dan sedekah di loket, tunai atau transfer.",
            "needs_queue": True, "daily_quota": 200,
        },
        "standard": {
            "legal_basis": f"{LEGAL}\n{ZAKAT_LAW}",
            "requirements": [
                {"name": "Fotokopi KTP (untuk bukti setor atas nama muzaki)", "needs_document": False,
                 "is_mandatory": False},
                {"name": "NPWP, bila bukti setor dipakai sebagai pengurang penghasilan kena pajak",
                 "needs_document": False, "is_mandatory": False},
            ],
            "procedure": [
                "Ambil nomor antrean layanan A di mesin antrean",
                "Sampaikan jenis dana dan jumlah kepada petugas loket",
                "Serahkan uang tunai atau tunjukkan bukti transfer",
                "Terima bukti setor zakat (BSZ) yang sah",
            ],
            "service_minutes": 10, "is_free": True,
            "tariff_basis": "Tidak dipungut biaya (UU 23/2011)",
            "product": "Bukti setor zakat/infak yang sah dan dapat dipakai sebagai pengurang penghasilan kena pajak",
            "staff_count": 2,
        },
    },
    {
        "service": {
            "code": "KONS", "name": "Konsultasi zakat", "category": "Edukasi",
            "description": "Konsultasi perhitungan zakat maal, zakat profesi, zakat perusahaan dan waris.",
            "needs_queue": True, "needs_appointment": True, "slot_minutes": 30, "slot_capacity": 2,
        },
        "standard": {
            "legal_basis": f"{LEGAL}\n{ZAKAT_LAW}",
            "requirements": [
                {"name": "Data harta dan penghasilan yang akan dihitung", "needs_document": False,
                 "is_mandatory": False},
            ],
            "procedure": [
                "Ambil nomor antrean layanan B, atau buat janji temu lewat laman layanan",
                "Sampaikan pertanyaan kepada konsultan zakat",
                "Konsultan menghitung dan menjelaskan kewajiban zakat",
                "Terima ringkasan hasil konsultasi",
            ],
            "service_minutes": 20, "is_free": True, "tariff_basis": "Tidak dipungut biaya",
            "product": "Penjelasan dan ringkasan perhitungan zakat",
            "staff_count": 1,
        },
    },
    {
        "service": {
            "code": "BANTU", "name": "Permohonan bantuan", "category": "Pendistribusian",
            "description": "Pengajuan bantuan konsumtif dan produktif bagi mustahik.",
            "needs_queue": True, "needs_request": True, "daily_quota": 40,
        },
        "standard": {
            "legal_basis": f"{LEGAL}\n{ZAKAT_LAW}\nPeraturan BAZNAS Nomor 3 Tahun 2018 tentang Pendistribusian dan Pendayagunaan Zakat",  # noqa: E501
            "requirements": [
                {"name": "Fotokopi KTP pemohon"},
                {"name": "Fotokopi Kartu Keluarga"},
                {"name": "Surat keterangan tidak mampu dari desa/kelurahan"},
                {"name": "Surat permohonan bantuan yang ditandatangani pemohon"},
                {"name": "Foto rumah tampak depan", "is_mandatory": False},
            ],
            "procedure": [
                "Ambil nomor antrean layanan B dan serahkan berkas di loket",
                "Petugas memeriksa kelengkapan berkas dan memberi kode pelacakan",
                "Petugas program melakukan survei ke rumah pemohon",
                "Komite menilai dan memutuskan permohonan",
                "Pemohon diberi tahu hasilnya; bantuan diserahkan bila disetujui",
            ],
            "service_days": 10, "service_time_note": "Dihitung sejak berkas dinyatakan lengkap",
            "is_free": True, "tariff_basis": "Tidak dipungut biaya",
            "product": "Keputusan atas permohonan dan bantuan yang diserahkan kepada mustahik",
            "staff_count": 3,
        },
    },
    {
        "service": {
            "code": "SURAT", "name": "Surat rekomendasi dan keterangan penerima manfaat",
            "category": "Administrasi", "needs_queue": False, "needs_request": True,
        },
        "standard": {
            "legal_basis": LEGAL,
            "requirements": [
                {"name": "Fotokopi KTP"},
                {"name": "Kartu Keluarga"},
                {"name": "Surat pengantar dari instansi yang meminta rekomendasi", "is_mandatory": False},
            ],
            "procedure": [
                "Ajukan permohonan di loket atau secara daring",
                "Petugas memeriksa data penerima manfaat",
                "Kepala kantor menandatangani surat",
                "Surat diambil di loket atau dikirim lewat surel",
            ],
            "service_days": 3, "is_free": True, "tariff_basis": "Tidak dipungut biaya",
            "product": "Surat rekomendasi atau surat keterangan penerima manfaat yang ditandatangani kepala kantor",
            "staff_count": 1,
        },
    },
    {
        "service": {
            "code": "BEA", "name": "Pendaftaran beasiswa", "category": "Pendidikan",
            "description": "Beasiswa pendidikan bagi pelajar dan mahasiswa dari keluarga mustahik.",
            "needs_queue": False, "needs_appointment": True, "needs_request": True, "slot_minutes": 20,
            "slot_capacity": 3,
        },
        "standard": {
            "legal_basis": f"{LEGAL}\n{ZAKAT_LAW}",
            "requirements": [
                {"name": "Fotokopi KTP orang tua/wali dan Kartu Keluarga"},
                {"name": "Surat keterangan tidak mampu dari desa"},
                {"name": "Rapor atau KHS semester terakhir"},
                {"name": "Surat keterangan aktif sekolah/kuliah"},
            ],
            "procedure": [
                "Buat janji temu lewat laman layanan",
                "Datang sesuai jadwal dan serahkan berkas",
                "Wawancara dengan petugas program",
                "Pengumuman hasil seleksi",
            ],
            "service_days": 14, "is_free": True, "tariff_basis": "Tidak dipungut biaya",
            "product": "Keputusan penerimaan beasiswa",
            "staff_count": 2,
        },
    },
]  # fmt: skip

MAKLUMAT = (
    "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah "
    "ditetapkan.\nKami melayani dengan ramah, adil, cepat dan tanpa biaya.\n"
    "Apabila kami tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan perundang-undangan."
)


IN_FORCE_SINCE = timezone.localdate().replace(month=1, day=1) - timedelta(days=90)


def _publish(actor, head, service, fields):
    standard = catalogue.standard_draft(actor=actor, service=service, **{**MANAGEMENT, **fields})
    catalogue.standard_approve(actor=head, standard=standard)
    standard = catalogue.standard_publish(actor=actor, standard=standard, effective_from=timezone.localdate())
    # The demo's standards have been in force since the start of the year, so the past weeks of
    # tickets (the figures seed) are measured against them: a demo-only back-dating of the date.
    standard.effective_from = IN_FORCE_SINCE
    ServiceStandard.objects.filter(pk=standard.pk).update(effective_from=IN_FORCE_SINCE)
    return standard


def seed(admin, staff, units) -> None:
    office = units["service"]
    head = staff["kepalalayanan"]
    offered = {}
    for spec in SERVICES:
        service = catalogue.service_save(actor=admin, unit=office, **spec["service"])
        _publish(admin, head, service, spec["standard"])
        offered[service.code] = service
    # A new version of the scholarship standard waits for the head: one more requirement, a day less.
    bea = offered["BEA"]
    draft = catalogue.standard_draft(actor=admin, service=bea)
    requirements = [*SERVICES[4]["standard"]["requirements"], {"name": "Surat rekomendasi dari sekolah"}]
    catalogue.standard_draft(actor=admin, service=bea, standard=draft, requirements=requirements, service_days=13)
    catalogue.desk_settings_save(actor=admin, unit=office, maklumat=MAKLUMAT, whatsapp_line="081226001234")

    # The institution's standard of paying ZIS, adopted by the regency office of Pati.
    root = units["root"]
    ketua = staff["ketua"]
    zis = catalogue.service_save(actor=admin, unit=root, **SERVICES[0]["service"])
    _publish(admin, ketua, zis, SERVICES[0]["standard"])
    catalogue.service_adopt(
        actor=admin,
        unit=units["regency_a"],
        parent_service=zis,
        local_details="Loket penerimaan di lantai 1 Kantor Kabupaten Pati, Senin–Sabtu.",
    )
    catalogue.desk_settings_save(actor=admin, unit=units["regency_a"], maklumat=MAKLUMAT)
