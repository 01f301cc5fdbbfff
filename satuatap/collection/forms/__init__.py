"""The forms of collection's pages: the counter, imports and setup (calculator, campaigns, settings)."""

from satuatap.collection.forms.counter import (
    CAMPAIGN_PREFIX,
    CHANNEL_CHOICES,
    KIND_CHOICES,
    MAX_LINES,
    PURPOSE_PREFIX,
    STATUS_CHOICES,
    CounterForm,
    DonationFilterForm,
    DonorRegisterForm,
    LineForm,
    RupiahField,
    kind_choices,
    parse_rupiah,
)
from satuatap.collection.forms.imports import (
    ImportForm,
    allowed_kinds,
)
from satuatap.collection.forms.setup import (
    AcceptedKindsForm,
    CampaignForm,
    FitrahRateForm,
    InstitutionSettingsForm,
    ZakatFitrahForm,
    ZakatIncomeForm,
    ZakatMaalForm,
    accepted_kind_choices,
)

__all__ = [
    "AcceptedKindsForm",
    "CAMPAIGN_PREFIX",
    "CHANNEL_CHOICES",
    "CampaignForm",
    "CounterForm",
    "DonationFilterForm",
    "DonorRegisterForm",
    "FitrahRateForm",
    "ImportForm",
    "InstitutionSettingsForm",
    "KIND_CHOICES",
    "LineForm",
    "MAX_LINES",
    "PURPOSE_PREFIX",
    "RupiahField",
    "STATUS_CHOICES",
    "ZakatFitrahForm",
    "ZakatIncomeForm",
    "ZakatMaalForm",
    "accepted_kind_choices",
    "allowed_kinds",
    "kind_choices",
    "parse_rupiah",
]
