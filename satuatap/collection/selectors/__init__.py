"""Every read of collection. Import selectors from here.

Donations and the counter: ``donations``; campaigns and the public giving pages: ``campaigns``; receipts:
``receipts``; a donor's giving as donors' pages show it (``giving``, registered with ``donors.hooks``).
"""

from satuatap.collection.selectors.campaigns import (
    CampaignPurposes,
    Progress,
    campaign_donations,
    campaign_for,
    campaign_public,
    campaign_public_of,
    campaigns_for,
    fitrah_offices,
    giving_bank_accounts,
    giving_office,
    giving_whatsapp,
    institution_public,
    office_public,
    progress,
    with_totals,
)
from satuatap.collection.selectors.donations import (
    SEARCH_LIMIT,
    counter_bank_accounts,
    counter_campaigns,
    counter_donor,
    counter_donor_search,
    counter_donors,
    day_figures,
    donation_for,
    donation_lines,
    donations_for,
    fitrah_rates_for,
    latest_receipts,
    monthly_totals,
    recent_voids,
)
from satuatap.collection.selectors.giving import (
    VOID,
    DonorGiving,
)
from satuatap.collection.selectors.receipts import (
    receipt_by_token,
    receipt_for,
    receipt_lines,
    receipt_prints,
    receipts_for,
)

__all__ = [
    "CampaignPurposes",
    "DonorGiving",
    "Progress",
    "SEARCH_LIMIT",
    "VOID",
    "campaign_donations",
    "campaign_for",
    "campaign_public",
    "campaign_public_of",
    "campaigns_for",
    "counter_bank_accounts",
    "counter_campaigns",
    "counter_donor",
    "counter_donor_search",
    "counter_donors",
    "day_figures",
    "donation_for",
    "donation_lines",
    "donations_for",
    "fitrah_offices",
    "fitrah_rates_for",
    "giving_bank_accounts",
    "giving_office",
    "giving_whatsapp",
    "institution_public",
    "latest_receipts",
    "monthly_totals",
    "office_public",
    "progress",
    "receipt_by_token",
    "receipt_for",
    "receipt_lines",
    "receipt_prints",
    "receipts_for",
    "recent_voids",
    "with_totals",
]
