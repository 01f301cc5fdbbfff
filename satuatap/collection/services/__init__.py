"""Every write of collection. Import services from here.

Donations: ``donation_record``, ``donation_void``, ``DonationLineSpec``, ``purpose_refusal`` (why a unit may
not receive restricted infak for a program).
Settings: ``fitrah_rate_set``, ``accepted_kinds_set``, ``collection_settings_set``,
``campaign_save``. Rates and numbers: ``fitrah_rate_for``, ``hijri_year``.
"""

from satuatap.collection.services.donations import (
    DonationLineSpec,
    donation_fields_check,
    donation_record,
    donation_void,
    purpose_refusal,
)
from satuatap.collection.services.setup import (
    accepted_kinds,
    accepted_kinds_set,
    campaign_code_refusal,
    campaign_save,
    collection_settings,
    collection_settings_set,
    fitrah_rate_for,
    fitrah_rate_set,
    hijri_year,
)

__all__ = [
    "DonationLineSpec",
    "accepted_kinds",
    "accepted_kinds_set",
    "campaign_code_refusal",
    "campaign_save",
    "collection_settings",
    "collection_settings_set",
    "donation_fields_check",
    "donation_record",
    "donation_void",
    "fitrah_rate_for",
    "fitrah_rate_set",
    "hijri_year",
    "purpose_refusal",
]
