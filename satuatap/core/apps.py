from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "satuatap.core"
    label = "core"

    def ready(self):
        # Moved at merge: the ledger and collection register their backup figures themselves.
        from satuatap.core.backup import figures_legacy

        figures_legacy.register()
