from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "satuatap.collection"
    verbose_name = _("Collection")

    def ready(self):
        from satuatap.collection.selectors.campaigns import CampaignPurposes
        from satuatap.collection.selectors.giving import DonorGiving
        from satuatap.collection.selectors.receipts import receipt_figures
        from satuatap.core.backup import figure_source_register
        from satuatap.donors import hooks as donor_hooks
        from satuatap.ledger import hooks

        # Donations to a campaign that raises for no program are held for the campaign: name it in the reports.
        if not any(isinstance(d, CampaignPurposes) for d in hooks.PURPOSE_DIRECTORIES):
            hooks.PURPOSE_DIRECTORIES.append(CampaignPurposes())
        # A donor's page and the donors API show what the donor gave.
        donor_hooks.giving_register(DonorGiving())
        # A restore must give back every unit's receipt numbers.
        figure_source_register("receipts", receipt_figures)
