"""Collection benchmark: recording a two-line donation at the counter (issue target: median < 20 ms).

``donation_record`` is what the counter screen and the API call: it checks the
donor and lines, posts one ledger entry (Dr cash / Cr zakat maal and infak
receipts, with both rollups), writes the donation, its lines and its receipt, and
takes the receipt number under the unit's sequence lock, then commits.
"""

import random
import uuid
from datetime import date

from bench.test_ledger_bench import AMOUNTS, _info
from satuatap.collection.services import DonationLineSpec, donation_record

DONATION_DATE = date(2026, 1, 20)


def _clerk_and_donor(world):
    from satuatap.accounts.models import User
    from satuatap.donors.models import Donor
    from satuatap.donors.services import donor_register
    from satuatap.organizations.models import Membership, Role

    clerk, _created = User.objects.get_or_create(username="bench-clerk", defaults={"full_name": "Bench Clerk"})
    Membership.objects.get_or_create(user=clerk, unit=world.root, role=Role.FINANCE, defaults={"is_active": True})
    clerk = User.objects.get(pk=clerk.pk)  # fresh role cache
    donor = Donor.objects.filter(institution=world.root, full_name="Bench Donatur").first()
    if donor is None:
        donor = donor_register(
            actor=clerk, unit=world.root, full_name="Bench Donatur", phone="081234567890", confirm_duplicate=True
        )
    return clerk, donor


def test_g_record_two_line_donation(benchmark, world):
    _info(benchmark, world, "recording a two-line donation with receipt number and posting", 0.020)
    clerk, donor = _clerk_and_donor(world)
    rng = random.Random(254)

    def setup():
        kwargs = {
            "actor": clerk,
            "unit": rng.choice(world.branches),
            "donor": donor,
            "donation_date": DONATION_DATE,
            "channel": "cash",
            "lines": [
                DonationLineSpec("zakat_maal", rng.choice(AMOUNTS)),
                DonationLineSpec("infak", rng.choice(AMOUNTS) // 10),
            ],
            "idempotency_key": f"bench-donation:{uuid.uuid4()}",
        }
        return (), kwargs

    donation = benchmark.pedantic(donation_record, setup=setup, rounds=300, warmup_rounds=20)
    assert donation.receipt.number.endswith(f"{donation.receipt.sequence:06d}") and not donation.replayed
