"""The service desk's requests in the demo: at the integrated service office (KDSLY1), a dozen requests
for aid intake (BANTU), letters (SURAT) and scholarships (BEA) at every step: new ones waiting for
their checklist, verified, being processed, ready to collect, handed over, two past their due date,
one rejected with its reason, one logged from a WhatsApp conversation. The services and their
published standards come from the catalogue's seed; without them nothing is made."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.servicedesk.catalogue.selectors import standard_in_force
from satuatap.servicedesk.models import Service, ServiceRequest
from satuatap.servicedesk.requests import services

# A one-page PDF (blank), so that a document opens in the browser.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

TRANSCRIPT = """[07/12 08.14] +62 813-2555-0142: Assalamualaikum, saya Rahmat dari Jati. Mau tanya surat keterangan \
penerima manfaat untuk sekolah anak saya, syaratnya apa saja ya?
[07/12 08.20] Layanan KDS: Waalaikumsalam Pak Rahmat. Syaratnya KTP dan KK, silakan kirim fotonya di sini.
[07/12 08.31] +62 813-2555-0142: <foto KTP> <foto KK>
[07/12 08.33] Layanan KDS: Terima kasih Pak, permohonan kami catat. Kode lacak akan kami kirimkan."""

# (service code, name, phone, email, days ago received, steps to take, channel); steps after "received".
PLAN = [
    ("BANTU", "Siti Aminah", "0812-2710-3345", "", 0, [], "counter"),
    ("SURAT", "Rahmat Hidayat", "0813-2555-0142", "", 0, [], "whatsapp"),
    ("BEA", "Nur Aini Rahmawati", "0857-4100-2231", "nuraini@example.org", 1, ["verified"], "online"),
    ("BANTU", "Sri Wahyuni", "0812-9031-5521", "", 2, ["verified", "processed"], "ticket"),
    ("SURAT", "Ahmad Fauzi", "0821-3377-9012", "", 2, ["verified", "processed", "ready"], "counter"),
    ("BEA", "Dewi Lestari", "0856-4012-7788", "", 6, ["verified", "processed", "ready", "handed_over"], "counter"),
    ("BANTU", "Joko Susilo", "0819-0442-1180", "", 5, ["rejected"], "counter"),
    ("SURAT", "Umi Kulsum", "0812-5566-1023", "", 12, ["verified", "processed"], "counter"),  # overdue
    ("BANTU", "Bambang Priyono", "0813-9988-2211", "", 25, ["verified"], "online"),  # overdue
    ("SURAT", "Lina Marlina", "0878-1122-3344", "", 9, ["verified", "processed", "ready", "handed_over"], "counter"),
]


def seed(admin, staff, units) -> None:
    unit = units.get("service")
    clerk = staff.get("loket") or admin
    if unit is None or ServiceRequest.objects.filter(unit=unit).exists():
        return
    found = {
        s.code: s for s in Service.objects.filter(unit=unit, code__in=["BANTU", "SURAT", "BEA"], needs_request=True)
    }
    now = timezone.now()
    local_now = timezone.localtime(now, unit.tzinfo)
    for index, (code, name, phone, email, days_ago, steps, channel) in enumerate(PLAN):
        service = found.get(code)
        standard = standard_in_force(service) if service is not None else None
        if standard is None:
            continue
        requirements = list(standard.requirements.all())
        # In the morning of that day (the unit's time), never in the future.
        received = (local_now - timedelta(days=days_ago)).replace(hour=8 + index % 4, minute=(index * 13) % 60)
        received = min(received, now - timedelta(minutes=40))
        documents = {
            r.pk: SimpleUploadedFile(f"{r.name[:40]}.pdf", PDF, content_type="application/pdf")
            for r in requirements
            if r.needs_document and r.is_mandatory
        }
        request = services.request_create(
            actor=clerk if channel != "online" else None,
            unit=unit,
            service=service,
            channel="counter" if channel == "ticket" else channel,
            applicant_name=name,
            applicant_phone=phone,
            applicant_email=email,
            details="",
            documents=documents,
            transcript=TRANSCRIPT if channel == "whatsapp" else "",
            notify=True,
            at=received,
        )
        moment = received
        for step in steps:
            moment = min(moment + timedelta(days=1, hours=1), now)
            if step == "verified":
                for requirement in requirements:
                    services.request_check(actor=clerk, request=request, requirement=requirement, is_met=True)
            if step == "rejected":
                services.request_step(
                    actor=clerk, request=request, to_status="rejected", at=moment,
                    reject_reason="Kartu Keluarga yang diunggah tidak terbaca; silakan datang membawa KK asli.",
                )  # fmt: skip
            elif step == "handed_over":
                services.request_step(
                    actor=clerk,
                    request=request,
                    to_status=step,
                    at=moment,
                    handed_to=name,
                    handed_to_note="pemohon sendiri",
                )
            else:
                services.request_step(actor=clerk, request=request, to_status=step, at=moment)
