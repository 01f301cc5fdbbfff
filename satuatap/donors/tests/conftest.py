"""Donor fixtures: the collection ``desk`` (books, a bank account, a fitrah rate and two donors)
and ``give`` to record donations, shared from collection's tests.

``desk.donor`` (Muhammad Nur Hidayat) is registered at branch A by frank; ``desk.secret_donor``
belongs to BETA. ``people`` adds a branch-B donor who gave at branch A and one who did not.
"""

from types import SimpleNamespace

import pytest

from satuatap.collection.tests.conftest import DAY, desk, english_messages, give  # noqa: F401  (fixtures re-exported)
from satuatap.donors.services import donor_register


@pytest.fixture
def people(world, desk):  # noqa: F811
    """Donors of branch B: ``visitor`` gave at branch A once, ``stranger`` (SECRET) never did."""
    visitor = donor_register(actor=world.bob, unit=world.branch_b, full_name="Siti Aminah", phone="0813-1111-2222")
    stranger = donor_register(
        actor=world.bob, unit=world.branch_b, full_name="SECRET Bakung Donor", phone="0813-9999-0000"
    )
    give(world.branch_a, visitor, world.frank, ("infak", 75_000))
    return SimpleNamespace(visitor=visitor, stranger=stranger, day=DAY)
