"""The demo's requests: at every step, two overdue, one rejected, one from WhatsApp; nothing without
the catalogue's services."""

from satuatap.demo.seed.servicedesk import requests as seed_requests
from satuatap.servicedesk.models import ServiceRequest
from satuatap.servicedesk.requests import selectors
from satuatap.servicedesk.tests.test_requests_support import english_messages, make_service  # noqa: F401


def test_the_demo_seed_makes_requests_at_every_step(world):
    seed_requests.seed(world.carol, {"loket": world.frank}, {"service": world.branch_a})
    assert not ServiceRequest.objects.exists()  # no services yet: nothing, quietly
    make_service(world.branch_a, "BANTU", days=10)
    make_service(world.branch_a, "SURAT", days=3)
    make_service(world.branch_a, "BEA", days=14)
    seed_requests.seed(world.carol, {"loket": world.frank}, {"service": world.branch_a})
    rows = ServiceRequest.objects.all()
    assert rows.count() == 10
    assert set(rows.values_list("status", flat=True)) == {
        "received", "verified", "processed", "ready", "handed_over", "rejected",
    }  # fmt: skip
    assert rows.filter(channel="whatsapp").count() == 1
    assert selectors.request_list(world.frank, overdue=True).count() == 2
