"""Refresh the administrative areas from the vendored dataset (``satuatap/regions/data``)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from satuatap.regions import dataset


class Command(BaseCommand):
    help = "Load or refresh Indonesia's administrative areas from the vendored dataset, then link addresses."

    def handle(self, *args, **options):
        from satuatap.regions.services import address_models, addresses_link

        with transaction.atomic():
            counts = dataset.refresh()
        self.stdout.write(
            f"Areas: {counts['added']} added, {counts['renamed']} changed, "
            f"{counts['kept']} kept that are no longer in the dataset."
        )
        for model in address_models():
            linked, unmatched = addresses_link(model)
            self.stdout.write(f"{model._meta.label}: {linked} addresses linked, {unmatched} not matched.")
