from satuatap.core.errors import DomainError


class DonationRefused(DomainError):
    """A donation that cannot be recorded as given."""


class DonationConflict(DonationRefused):
    """The request key was already used for a different donation (HTTP 409)."""


class VoidRefused(DomainError):
    """A receipt that cannot be voided."""


class SettingsRefused(DomainError):
    """A collection setting (fitrah rate, campaign, gold price) that cannot be saved."""


class ReceiptSendRefused(DomainError):
    """A receipt that cannot be sent this way (no consent, no address, void)."""
